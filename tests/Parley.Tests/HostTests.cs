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
    public void The_database_is_a_sqlite_file_in_wal_mode_in_the_data_folder()
    {
        Assert.True(File.Exists(Path.Combine(app.DataDirectory, "parley.db")));
        Assert.True(File.Exists(Path.Combine(app.DataDirectory, "parley.db-wal")));
        Assert.True(File.Exists(Path.Combine(app.DataDirectory, "jwt.key")));
    }
}
