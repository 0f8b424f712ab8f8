using System.Data.Common;
using Dapper;
using Microsoft.Data.Sqlite;
using Npgsql;
using Parley.Server.Api;
using Parley.Server.Monitoring;

namespace Parley.Server.Data;

/// <summary>
/// Opens connections for the configured dialect. SQLite allows one writer at a time, so its writes go
/// through <see cref="SqliteWriter"/>, one queue that commits them in batches instead of spinning on SQLITE_BUSY.
/// On PostgreSQL writers run concurrently, one pooled connection each: what must not interleave is
/// serialised by row locks (the conversation row) or by <see cref="LockAsync"/>.
/// </summary>
public sealed class Db : IAsyncDisposable
{
    private readonly SqliteWriter? _sqliteWriter;
    private readonly string _connectionString;
    private readonly string _sqlitePragmas = "";
    private readonly NpgsqlDataSource? _postgres;
    private readonly ServerMetrics _metrics;

    public Db(DataOptions options, ServerMetrics metrics)
    {
        _metrics = metrics;
        Dialect = options.Dialect;
        if (Dialect == Dialect.Postgres)
        {
            _connectionString = options.PostgresConnection!;
            var builder = new NpgsqlDataSourceBuilder(_connectionString);
            // Npgsql's default of 100 per node exhausts PostgreSQL's default max_connections (100) with two nodes;
            // nodes × pool size must stay below the server's max_connections.
            if (!Names(_connectionString, "maximumpoolsize", "maxpoolsize")) builder.ConnectionStringBuilder.MaxPoolSize = options.PostgresMaxPoolSize;
            if (!Names(_connectionString, "applicationname")) builder.ConnectionStringBuilder.ApplicationName = "parley";
            _postgres = builder.Build();
        }
        else
        {
            InitSqlite();
            _sqlitePragmas = $"PRAGMA foreign_keys=ON; PRAGMA synchronous={options.SqliteSynchronous}; PRAGMA busy_timeout=10000;";
            Directory.CreateDirectory(options.DataDirectory);
            _connectionString = options.SqliteConnectionString;
            _sqliteWriter = new SqliteWriter(_connectionString, ct => OpenAsync(ct), metrics);
        }
    }

    public Dialect Dialect { get; }

    private static readonly Lazy<bool> SqliteReady = new(() =>
    {
        SQLitePCL.Batteries_V2.Init();
        // Multi-thread mode: no mutex around every sqlite3_* call. Safe because a connection is only ever used by
        // one caller at a time (the pool hands it out, the writer owns its own); fails harmlessly when SQLite is
        // already initialised in this process.
        SQLitePCL.raw.sqlite3_config(SQLitePCL.raw.SQLITE_CONFIG_MULTITHREAD);
        return true;
    });

    private static void InitSqlite() => _ = SqliteReady.Value;

    public bool IsSqlite => Dialect == Dialect.Sqlite;

    public async Task<DbConnection> OpenAsync(CancellationToken ct = default)
    {
        if (_postgres is not null) return await _postgres.OpenConnectionAsync(ct);
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(ct);
        await using var pragma = connection.CreateCommand();
        pragma.CommandText = _sqlitePragmas;
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
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        await using var tx = await connection.BeginTransactionAsync(ct);
        var result = await work(connection, tx);
        if (commit(result)) await tx.CommitAsync(CancellationToken.None);
        else await tx.RollbackAsync(CancellationToken.None);
        _metrics.TransactionDuration.Observe(ServerMetrics.SecondsSince(started));
        _metrics.TransactionBatchSize.Observe(1);
        return result;
    }

    /// <summary>
    /// Serialises transactions that touch the same <paramref name="keys"/> (a username, a direct pair) until
    /// commit: a PostgreSQL transaction-scoped advisory lock. SQLite writes are serialised anyway.
    /// </summary>
    public static async Task LockAsync(DbConnection connection, DbTransaction tx, params IEnumerable<string?> keys)
    {
        if (connection is not NpgsqlConnection) return;
        // Sorted, so two transactions wanting the same keys never wait on each other in a cycle.
        foreach (var key in keys.OfType<string>().Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))
            await connection.ExecuteAsync("SELECT pg_advisory_xact_lock(hashtextextended(@key, 0))", new { key }, tx);
    }

    /// <summary>
    /// "IN @list" for this dialect: Dapper expands a list into (@list1, @list2, ...) on SQLite, but hands
    /// PostgreSQL one array parameter, which needs "= ANY(@list)". Pass the list as an array.
    /// Use: <c>$"WHERE id {db.In("ids")}"</c>.
    /// </summary>
    public string In(string parameter) => IsSqlite ? $"IN @{parameter}" : $"= ANY(@{parameter})";

    /// <summary><see cref="In(string)"/> for static store code that has only the connection.</summary>
    public static string In(DbConnection connection, string parameter) =>
        connection is NpgsqlConnection ? $"= ANY(@{parameter})" : $"IN @{parameter}";

    private static bool Names(string connectionString, params string[] keywords) =>
        new DbConnectionStringBuilder { ConnectionString = connectionString }.Keys.Cast<string>()
            .Any(k => keywords.Contains(k.Replace(" ", "").ToLowerInvariant()));

    public async ValueTask DisposeAsync()
    {
        if (_postgres is not null) await _postgres.DisposeAsync();
        if (_sqliteWriter is not null) await _sqliteWriter.DisposeAsync();
    }
}
