using Dapper;
using Parley.Server.Data;
using Parley.Tests.Support;

namespace Parley.Tests;

public sealed class HostTests(ParleyApp app) : IClassFixture<ParleyApp>
{
    [Fact]
    public async Task Health_docs_and_openapi_answer_without_a_token()
    {
        var http = app.Http();
        Assert.Equal("Healthy", await http.GetStringAsync("/healthz"));
        var openapi = await http.GetStringAsync("/openapi/v1.json");
        Assert.Contains("/api/conversations", openapi);
        var docs = await http.GetAsync("/docs/index.html");
        Assert.True(docs.IsSuccessStatusCode);
        Assert.Contains("swagger", (await docs.Content.ReadAsStringAsync()).ToLowerInvariant());
    }

    [Fact]
    public async Task The_database_is_where_the_settings_say_and_migrated()
    {
        await using var connection = await app.Db.OpenAsync();
        // No Auth:SigningKey: the key was generated once into the database (shared by every node), not into a file.
        Assert.Equal(64, Convert.FromBase64String(await connection.ExecuteScalarAsync<string>("SELECT value FROM settings WHERE name = 'jwt_signing_key'") ?? "").Length);
        Assert.False(File.Exists(Path.Combine(app.DataDirectory, "jwt.key")));
        Assert.Equal(Migrator.Versions(app.Dialect), await connection.QueryAsync<long>("SELECT version FROM schema_version ORDER BY version"));
        if (app.Dialect == Dialect.Sqlite)
        {
            // SQLite: one file in WAL mode in the data folder.
            Assert.True(File.Exists(Path.Combine(app.DataDirectory, "parley.db")));
            Assert.True(File.Exists(Path.Combine(app.DataDirectory, "parley.db-wal")));
            Assert.Equal("wal", await connection.ExecuteScalarAsync<string>("PRAGMA journal_mode"));
        }
        else
        {
            // PostgreSQL: no SQLite file at all; the server talks to this class's own database.
            Assert.Equal(Dialect.Postgres, app.Db.Dialect);
            Assert.False(File.Exists(Path.Combine(app.DataDirectory, "parley.db")));
            Assert.Equal(app.DatabaseName, await connection.ExecuteScalarAsync<string>("SELECT current_database()"));
        }
    }
}
