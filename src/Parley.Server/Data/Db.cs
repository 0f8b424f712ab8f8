using System.Data.Common;
using Microsoft.Data.Sqlite;
using Npgsql;
using Parley.Server.Api;

namespace Parley.Server.Data;

/// <summary>
/// Opens connections for the configured dialect. SQLite allows one writer at a time, so its writes go
/// through <see cref="SqliteWriter"/>, one queue that commits them in batches instead of spinning on SQLITE_BUSY.
/// </summary>
public sealed class Db : IAsyncDisposable
{
    private readonly SqliteWriter? _sqliteWriter;
    private readonly string _connectionString;
    private readonly NpgsqlDataSource? _postgres;

    public Db(DataOptions options)
    {
        Dialect = options.Dialect;
        if (Dialect == Dialect.Postgres)
        {
            _connectionString = options.PostgresConnection!;
            _postgres = NpgsqlDataSource.Create(_connectionString);
        }
        else
        {
            SQLitePCL.Batteries_V2.Init();
            Directory.CreateDirectory(options.DataDirectory);
            _connectionString = options.SqliteConnectionString;
            _sqliteWriter = new SqliteWriter(_connectionString, ct => OpenAsync(ct));
        }
    }

    public Dialect Dialect { get; }

    public bool IsSqlite => Dialect == Dialect.Sqlite;

    public async Task<DbConnection> OpenAsync(CancellationToken ct = default)
    {
        if (_postgres is not null) return await _postgres.OpenConnectionAsync(ct);
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(ct);
        await using var pragma = connection.CreateCommand();
        pragma.CommandText = "PRAGMA foreign_keys=ON; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=10000;";
        await pragma.ExecuteNonQueryAsync(ct);
        return connection;
    }

    /// <summary>Runs <paramref name="work"/> in one transaction; committed when it returns, rolled back when it throws.</summary>
    public Task<T> WriteAsync<T>(Func<DbConnection, DbTransaction, Task<T>> work, CancellationToken ct = default) =>
        WriteAsync(work, _ => true, ct);

    /// <summary>Like <see cref="WriteAsync{T}"/>, but a failed outcome rolls back everything the work did.</summary>
    public Task<Outcome<T>> TryWriteAsync<T>(Func<DbConnection, DbTransaction, Task<Outcome<T>>> work, CancellationToken ct = default) =>
        WriteAsync(work, outcome => outcome.Ok, ct);

    private async Task<T> WriteAsync<T>(Func<DbConnection, DbTransaction, Task<T>> work, Func<T, bool> commit, CancellationToken ct)
    {
        if (_sqliteWriter is not null) return await _sqliteWriter.WriteAsync(work, commit, ct);
        await using var connection = await OpenAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var result = await work(connection, tx);
        if (commit(result)) await tx.CommitAsync(CancellationToken.None);
        else await tx.RollbackAsync(CancellationToken.None);
        return result;
    }

    public async ValueTask DisposeAsync()
    {
        if (_postgres is not null) await _postgres.DisposeAsync();
        if (_sqliteWriter is not null) await _sqliteWriter.DisposeAsync();
    }
}
