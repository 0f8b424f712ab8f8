using System.Reflection;
using Dapper;

namespace Parley.Server.Data;

/// <summary>
/// Applies the numbered SQL files under Data/Migrations/{dialect}/ in order, each in its own transaction,
/// recording it in schema_version. Safe to run twice and, on PostgreSQL, from several nodes at once.
/// </summary>
public sealed class Migrator(Db db, ILogger<Migrator> logger)
{
    private const long PostgresLockKey = 0x5061726C6579; // "Parley"

    public async Task MigrateAsync(CancellationToken ct = default)
    {
        await using var connection = await db.OpenAsync(ct);
        if (db.IsSqlite) await connection.ExecuteAsync("PRAGMA journal_mode=WAL;");
        else await connection.ExecuteAsync("SELECT pg_advisory_lock(@key)", new { key = PostgresLockKey });
        try
        {
            await connection.ExecuteAsync(
                "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)");
            var applied = (await connection.QueryAsync<long>("SELECT version FROM schema_version")).ToHashSet();
            foreach (var (version, name, sql) in Scripts(db.Dialect).Where(s => !applied.Contains(s.Version)))
            {
                await using var tx = await connection.BeginTransactionAsync(ct);
                // Another SQLite process may have applied it meanwhile (the transaction holds SQLite's write lock now).
                if (await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM schema_version WHERE version = @version", new { version }, tx) > 0)
                    continue;
                await connection.ExecuteAsync(sql, transaction: tx);
                await connection.ExecuteAsync("INSERT INTO schema_version (version, name, applied_at) VALUES (@version, @name, @at)",
                    new { version, name, at = Clock.NowMs() }, tx);
                await tx.CommitAsync(ct);
                logger.LogInformation("Applied migration {Version} {Name}", version, name);
            }
        }
        finally
        {
            if (!db.IsSqlite) await connection.ExecuteAsync("SELECT pg_advisory_unlock(@key)", new { key = PostgresLockKey });
        }
    }

    /// <summary>The migration versions shipped for a dialect, in order.</summary>
    public static IReadOnlyList<long> Versions(Dialect dialect) => Scripts(dialect).Select(s => s.Version).ToList();

    private static IEnumerable<(long Version, string Name, string Sql)> Scripts(Dialect dialect)
    {
        var assembly = Assembly.GetExecutingAssembly();
        var prefix = $"{assembly.GetName().Name}.Data.Migrations.{dialect.ToString().ToLowerInvariant()}.";
        foreach (var resource in assembly.GetManifestResourceNames().Where(r => r.StartsWith(prefix, StringComparison.Ordinal)).Order())
        {
            var name = resource[prefix.Length..^".sql".Length];
            var version = long.Parse(name[..name.IndexOf('_')]);
            using var reader = new StreamReader(assembly.GetManifestResourceStream(resource)!);
            yield return (version, name, reader.ReadToEnd());
        }
    }
}
