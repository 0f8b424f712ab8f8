using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Parley.Server.Data;

namespace Parley.Tests.Support;

/// <summary>
/// One real Parley server per test class: Kestrel on 127.0.0.1 with an ephemeral port and a fresh database:
/// a SQLite file in a folder of its own, or, when PARLEY_TEST_DB=postgres, a fresh PostgreSQL database
/// created through the admin connection string in PARLEY_TEST_PG and dropped on dispose. Events go through
/// the in-process bus, or through Redis when PARLEY_TEST_BUS=redis.
/// Subclass and override <see cref="Settings"/> for per-class configuration; set <see cref="SharesDatabaseWith"/>
/// for a second node on the same database.
/// </summary>
public class ParleyApp : WebApplicationFactory<Program>, IAsyncLifetime, INode
{
    private int _users;

    /// <summary>The dialect this run tests (PARLEY_TEST_DB: sqlite, the default, or postgres).</summary>
    public static Dialect TestDialect { get; } = Environment.GetEnvironmentVariable("PARLEY_TEST_DB")?.Trim().ToLowerInvariant() switch
    {
        null or "" or "sqlite" => Dialect.Sqlite,
        "postgres" or "postgresql" => Dialect.Postgres,
        var other => throw new InvalidOperationException($"PARLEY_TEST_DB={other}: use sqlite or postgres"),
    };

    /// <summary>Set by scripts/test.sh: where a Redis for scale-out tests listens ("host:port"), else null.</summary>
    public static string? TestRedis { get; } = Environment.GetEnvironmentVariable("PARLEY_TEST_REDIS") is { Length: > 0 } r ? r : null;

    /// <summary>PARLEY_TEST_BUS=redis (with PARLEY_TEST_REDIS): every app publishes through Redis, on a channel of its own.</summary>
    public static bool TestBusIsRedis { get; } = Environment.GetEnvironmentVariable("PARLEY_TEST_BUS") == "redis" && TestRedis is not null;

    public static bool UnderCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    public Dialect Dialect => TestDialect;

    public string DataDirectory { get; } = Path.Combine(Path.GetTempPath(), "parley-tests", Guid.NewGuid().ToString("N"));

    /// <summary>The PostgreSQL database of this app (null on SQLite).</summary>
    public string? DatabaseName { get; private set; }

    /// <summary>Another app whose database this one uses: two nodes of one deployment. It must be started first.</summary>
    public ParleyApp? SharesDatabaseWith { get; init; }

    /// <summary>The Redis channel of this app's bus (shared with <see cref="SharesDatabaseWith"/>) when PARLEY_TEST_BUS=redis.</summary>
    public string BusChannel => SharesDatabaseWith?.BusChannel ?? _channel;

    private readonly string _channel = $"parley:test:{Guid.NewGuid():N}";

    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>The server's own connection factory, for tests that look at the stored state.</summary>
    public Db Db => Services.GetRequiredService<Db>();

    protected virtual IEnumerable<KeyValuePair<string, string>> Settings => [];

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("urls", "http://127.0.0.1:0");
        builder.UseSetting("Data:DataDirectory", DataDirectory);
        if (Dialect == Dialect.Postgres)
        {
            builder.UseSetting("Data:Provider", "postgres");
            builder.UseSetting("ConnectionStrings:Postgres", PostgresConnectionString(DatabaseName!));
        }
        else if (SharesDatabaseWith is { } first)
            builder.UseSetting("ConnectionStrings:Sqlite", $"Data Source={Path.Combine(first.DataDirectory, "parley.db")};Pooling=True");
        if (TestBusIsRedis)
        {
            builder.UseSetting("Redis:Connection", TestRedis);
            builder.UseSetting("Redis:Channel", BusChannel);
        }
        // Fewer PBKDF2 rounds keep registration fast in tests; the algorithm is the same.
        builder.UseSetting("Auth:PasswordIterations", "1000");
        builder.UseSetting("Auth:LoginAttemptsPerAddressPerMinute", "1000");
        builder.UseSetting("Auth:LoginAttemptsPerUsernamePerMinute", "1000");
        // Most tests send faster than a person would; the send-limit tests turn it back on.
        builder.UseSetting("Limits:MessagesPerUserPerSecond", "0");
        foreach (var (key, value) in Settings) builder.UseSetting(key, value);
    }

    /// <summary>Creates the (empty) PostgreSQL database, or takes the first node's; done by <see cref="InitializeAsync"/> if not before.</summary>
    public async Task PrepareDatabaseAsync()
    {
        // SQLite: the shared file's folder must exist before either node opens it.
        if (Dialect == Dialect.Sqlite && SharesDatabaseWith is { } owner) Directory.CreateDirectory(owner.DataDirectory);
        if (Dialect != Dialect.Postgres || DatabaseName is not null) return;
        if (SharesDatabaseWith is { } first)
        {
            await first.PrepareDatabaseAsync();
            DatabaseName = first.DatabaseName;
            return;
        }
        var name = $"parley_t_{Guid.NewGuid():N}";
        await AdminAsync($"CREATE DATABASE {name}");
        DatabaseName = name;
    }

    public async ValueTask InitializeAsync()
    {
        await PrepareDatabaseAsync();
        UseKestrel(0);
        StartServer();
        var address = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        BaseAddress = new Uri(address.Replace("localhost", "127.0.0.1").Replace("[::]", "127.0.0.1"));
    }

    public new async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        try { Directory.Delete(DataDirectory, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        if (DatabaseName is not null && SharesDatabaseWith is null) await AdminAsync($"DROP DATABASE IF EXISTS {DatabaseName} WITH (FORCE)");
        GC.SuppressFinalize(this);
    }

    private static string AdminConnectionString =>
        Environment.GetEnvironmentVariable("PARLEY_TEST_PG") is { Length: > 0 } admin ? admin
            : throw new InvalidOperationException(
                "PARLEY_TEST_DB=postgres needs PARLEY_TEST_PG, an admin connection string such as Host=127.0.0.1;Port=5432;Username=postgres " +
                "(scripts/test.sh starts a server and sets both)");

    internal static string PostgresConnectionString(string database) =>
        new NpgsqlConnectionStringBuilder(AdminConnectionString) { Database = database }.ConnectionString;

    internal static async Task AdminAsync(string sql)
    {
        // No pooling: a pooled admin connection would sit on the server between test classes.
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(AdminConnectionString) { Pooling = false }.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>A plain HTTP client to the real server (no test handler in between).</summary>
    public HttpClient Http(string? token = null)
    {
        var http = new HttpClient { BaseAddress = BaseAddress };
        if (token is not null) http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return http;
    }

    /// <summary>Registers a new user with a unique name and returns them signed in.</summary>
    public Task<TestUser> UserAsync(string? name = null) =>
        TestUser.RegisterAsync(this, $"{name ?? "user"}{Interlocked.Increment(ref _users)}_{Guid.NewGuid().ToString("N")[..6]}", name);
}

/// <summary>A Parley server a test talks to: in the test process (<see cref="ParleyApp"/>) or a process of its own (<see cref="ServerProcess"/>).</summary>
public interface INode
{
    Uri BaseAddress { get; }

    /// <summary>A plain HTTP client to the real server (no test handler in between).</summary>
    HttpClient Http(string? token = null);
}

public sealed record TestUser(string Id, string Username, string Token, HttpClient Http, INode App)
{
    /// <summary>Registers <paramref name="username"/> on <paramref name="node"/> and returns them signed in there.</summary>
    public static async Task<TestUser> RegisterAsync(INode node, string username, string? name = null)
    {
        var response = await node.Http().PostAsJsonAsync("/api/auth/register",
            new { username, password = "correct-horse", email = $"{username}@example.com", name = name ?? username });
        var api = await ApiResponse.ReadAsync(response);
        Assert.Equal(HttpStatusCode.Created, api.Status);
        var token = api.Data.GetProperty("token").GetString()!;
        return new TestUser(api.Data.GetProperty("user").GetProperty("id").GetString()!, username, token, node.Http(token), node);
    }

    /// <summary>The same account, signed in with the same token, talking to another node.</summary>
    public TestUser On(INode node) => this with { Http = node.Http(Token), App = node };

    public async Task<ApiResponse> GetAsync(string path) => await ApiResponse.ReadAsync(await Http.GetAsync(path));
    public async Task<ApiResponse> PostAsync(string path, object? body = null) => await ApiResponse.ReadAsync(await Http.PostAsJsonAsync(path, body ?? new { }));
    public async Task<ApiResponse> PutAsync(string path, object? body = null) => await ApiResponse.ReadAsync(await Http.PutAsJsonAsync(path, body ?? new { }));
    public async Task<ApiResponse> DeleteAsync(string path, object? body = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Delete, path);
        if (body is not null) request.Content = JsonContent.Create(body);
        return await ApiResponse.ReadAsync(await Http.SendAsync(request));
    }
}
