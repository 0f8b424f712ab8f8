namespace Parley.Server.Data;

public enum Dialect { Sqlite, Postgres }

/// <summary>Where state lives. SQLite under <see cref="DataDirectory"/> unless a PostgreSQL connection string is set.</summary>
public sealed class DataOptions
{
    public string DataDirectory { get; set; } = "data";
    public string? SqliteConnection { get; set; }
    public string? PostgresConnection { get; set; }

    public Dialect Dialect => string.IsNullOrWhiteSpace(PostgresConnection) ? Dialect.Sqlite : Dialect.Postgres;

    public string SqliteConnectionString =>
        SqliteConnection is { Length: > 0 } configured ? configured
            : $"Data Source={Path.Combine(DataDirectory, "parley.db")};Pooling=True";
}
