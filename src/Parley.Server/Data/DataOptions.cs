namespace Parley.Server.Data;

public enum Dialect { Sqlite, Postgres }

/// <summary>
/// Where state lives: SQLite under <see cref="DataDirectory"/>, or PostgreSQL when a connection string is
/// set. <see cref="Provider"/> (sqlite | postgres) forces the choice; empty picks by the connection string.
/// </summary>
public sealed class DataOptions
{
    public string DataDirectory { get; set; } = "data";
    public string? Provider { get; set; }
    public string? SqliteConnection { get; set; }
    public string? PostgresConnection { get; set; }

    /// <summary>Connections per node when the PostgreSQL connection string names no "Maximum Pool Size".</summary>
    public int PostgresMaxPoolSize { get; set; } = 30;

    /// <summary>
    /// SQLite's <c>synchronous</c>: FULL (default) syncs the WAL at every commit, so an acknowledged write survives
    /// power loss; NORMAL syncs at checkpoints only (survives a process crash, may lose the last commits on an OS crash).
    /// </summary>
    public string Synchronous { get; set; } = "FULL";

    public string SqliteSynchronous => Synchronous.Trim().ToUpperInvariant() switch
    {
        "FULL" or "" => "FULL",
        "NORMAL" => "NORMAL",
        "EXTRA" => "EXTRA",
        _ => throw new InvalidOperationException($"Data:Synchronous is '{Synchronous}'; use FULL (default), NORMAL or EXTRA."),
    };

    public Dialect Dialect => Provider?.Trim().ToLowerInvariant() switch
    {
        null or "" => string.IsNullOrWhiteSpace(PostgresConnection) ? Dialect.Sqlite : Dialect.Postgres,
        "sqlite" => Dialect.Sqlite,
        "postgres" or "postgresql" => Dialect.Postgres,
        _ => throw new InvalidOperationException($"Data:Provider is '{Provider}'; use 'sqlite' or 'postgres'."),
    };

    /// <summary>Throws at start-up when the settings cannot work, naming the setting to fix.</summary>
    public void Validate()
    {
        _ = SqliteSynchronous;
        if (Dialect == Dialect.Postgres && string.IsNullOrWhiteSpace(PostgresConnection))
            throw new InvalidOperationException(
                "Data:Provider is 'postgres' but no PostgreSQL connection string is set: set ConnectionStrings__Postgres " +
                "(e.g. \"Host=db;Database=parley;Username=parley;Password=...\").");
    }

    public string SqliteConnectionString =>
        SqliteConnection is { Length: > 0 } configured ? configured
            : $"Data Source={Path.Combine(DataDirectory, "parley.db")};Pooling=True";
}
