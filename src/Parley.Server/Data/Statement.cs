using System.Data.Common;
using System.Runtime.CompilerServices;
using Dapper;

namespace Parley.Server.Data;

/// <summary>
/// One SQL statement for the hot write path (sending a message), run on a command that is kept prepared
/// when the connection keeps its statements (<see cref="PreparedStatements"/>: SQLite's single writer).
/// Microsoft.Data.Sqlite compiles SQL per command object, and Dapper makes a new command per call, so
/// without this every send re-parsed and re-planned its five statements. Elsewhere (PostgreSQL, pooled
/// read connections) it is a plain command, created and disposed per call.
/// Use: <c>await using var s = Statement.Of(connection, tx, Sql).With("@id", id); await s.ExecuteAsync();</c>
/// </summary>
public readonly struct Statement : IAsyncDisposable
{
    private readonly DbCommand _command;
    private readonly bool _owned;

    private Statement(DbCommand command, bool owned) => (_command, _owned) = (command, owned);

    public static Statement Of(DbConnection connection, DbTransaction? tx, string sql)
    {
        if (PreparedStatements.For(connection) is { } cache)
        {
            var kept = cache.Get(connection, sql);
            kept.Transaction = tx;
            return new Statement(kept, owned: false);
        }
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = tx;
        return new Statement(command, owned: true);
    }

    /// <summary>Sets the parameter named as in the SQL, e.g. <c>"@id"</c> (added on the command's first use, overwritten after).</summary>
    public Statement With(string name, object? value)
    {
        var parameters = _command.Parameters;
        var index = parameters.IndexOf(name);
        if (index < 0)
        {
            var parameter = _command.CreateParameter();
            parameter.ParameterName = name;
            parameter.Value = value ?? DBNull.Value;
            parameters.Add(parameter);
        }
        else parameters[index].Value = value ?? DBNull.Value;
        return this;
    }

    public Task<int> ExecuteAsync() => _command.ExecuteNonQueryAsync();

    public async Task<T?> ScalarAsync<T>()
    {
        var value = await _command.ExecuteScalarAsync();
        if (value is null or DBNull) return default;
        if (value is T same) return same;
        return (T)Convert.ChangeType(value, Nullable.GetUnderlyingType(typeof(T)) ?? typeof(T), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>The first row mapped by column name as Dapper would (snake_case to PascalCase), or null.</summary>
    public async Task<T?> FirstOrDefaultAsync<T>()
    {
        await using var reader = await _command.ExecuteReaderAsync();
        if (!await reader.ReadAsync()) return default;
        return reader.GetRowParser<T>()(reader);
    }

    public ValueTask DisposeAsync() => _owned ? _command.DisposeAsync() : ValueTask.CompletedTask;
}

/// <summary>
/// Commands kept prepared on one long-lived connection, one per SQL text; <see cref="Keep"/> when the
/// connection opens, <see cref="Release"/> before it closes. Only for a connection used by one caller at a time.
/// </summary>
public sealed class PreparedStatements : IDisposable
{
    private static readonly ConditionalWeakTable<DbConnection, PreparedStatements> Kept = new();
    private readonly Dictionary<string, DbCommand> _commands = new(StringComparer.Ordinal);

    public static void Keep(DbConnection connection) => Kept.AddOrUpdate(connection, new PreparedStatements());

    public static void Release(DbConnection connection)
    {
        if (!Kept.TryGetValue(connection, out var cache)) return;
        Kept.Remove(connection);
        cache.Dispose();
    }

    public static PreparedStatements? For(DbConnection connection) => Kept.TryGetValue(connection, out var cache) ? cache : null;

    public DbCommand Get(DbConnection connection, string sql)
    {
        if (_commands.TryGetValue(sql, out var command)) return command;
        command = connection.CreateCommand();
        command.CommandText = sql;
        _commands[sql] = command;
        return command;
    }

    public void Dispose()
    {
        foreach (var command in _commands.Values) command.Dispose();
        _commands.Clear();
    }
}
