namespace Parley.Tests.Support;

/// <summary>
/// A deployment of two real server processes (<see cref="ServerProcess"/>) on ports of their own, sharing one fresh
/// PostgreSQL database, one Redis channel and one signing key: what two nodes behind a load balancer are. Needs
/// PARLEY_TEST_PG and PARLEY_TEST_REDIS in every run (scripts/test.sh starts both servers and sets them).
/// </summary>
public sealed class TwoNodes : IAsyncLifetime
{
    public const string Missing =
        "The multi-node tests need PostgreSQL and Redis: set PARLEY_TEST_PG (an admin connection string) and PARLEY_TEST_REDIS (host:port). " +
        "scripts/test.sh starts throwaway servers and sets both, in the SQLite run too.";

    public string Database { get; } = $"parley_nodes_{Guid.NewGuid():N}";

    public ServerProcess A { get; }
    public ServerProcess B { get; }

    private readonly Dictionary<string, string> _settings = [];

    public TwoNodes() => (A, B) = (new ServerProcess { Settings = _settings }, new ServerProcess { Settings = _settings });

    /// <summary>Two nodes with more configuration of their own (a feature's settings).</summary>
    /// <remarks>A factory, not a constructor: xunit wants a class fixture to have one public constructor.</remarks>
    public static TwoNodes With(IEnumerable<KeyValuePair<string, string>> settings)
    {
        var nodes = new TwoNodes();
        foreach (var (key, value) in settings) nodes._settings[key] = value;
        return nodes;
    }

    public ServerProcess[] Both => [A, B];

    public async ValueTask InitializeAsync()
    {
        if (Environment.GetEnvironmentVariable("PARLEY_TEST_PG") is not { Length: > 0 } || ParleyApp.TestRedis is not { } redis)
            throw new InvalidOperationException(Missing);
        _settings["ConnectionStrings:Postgres"] = ParleyApp.PostgresConnectionString(Database);
        _settings["Data:PostgresMaxPoolSize"] = "20";
        _settings["Redis:Connection"] = redis;
        _settings["Redis:Channel"] = $"parley:test:{Guid.NewGuid():N}";
        // The same key on both nodes, as the README asks of a deployment.
        _settings["Auth:SigningKey"] = $"{Guid.NewGuid():N}{Guid.NewGuid():N}-multi-node-test";
        _settings["Auth:LoginAttemptsPerUsernamePerMinute"] = "1000";
        _settings["Limits:MessagesPerUserPerSecond"] = "0";
        _settings["Presence:OfflineGrace"] = "00:00:00.500";
        await ParleyApp.AdminAsync($"CREATE DATABASE {Database}");
        await RunningAsync();
    }

    /// <summary>Starts whichever node is down (a test may have killed one); both start at once on the empty database.</summary>
    public async Task RunningAsync() => await Task.WhenAll(A.StartAsync(), B.StartAsync());

    /// <summary>A new account, registered through <paramref name="node"/>, signed in there.</summary>
    public static Task<TestUser> UserAsync(INode node, string name) => TestUser.RegisterAsync(node, $"{name}_{Guid.NewGuid().ToString("N")[..10]}", name);

    /// <summary>What both nodes last wrote, for failure messages.</summary>
    public string Logs => $"node A:\n{A.RecentOutput}\nnode B:\n{B.RecentOutput}";

    public async ValueTask DisposeAsync()
    {
        await Task.WhenAll(A.DisposeAsync().AsTask(), B.DisposeAsync().AsTask());
        if (Environment.GetEnvironmentVariable("PARLEY_TEST_PG") is { Length: > 0 })
            await ParleyApp.AdminAsync($"DROP DATABASE IF EXISTS {Database} WITH (FORCE)");
    }
}
