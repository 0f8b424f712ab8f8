using System.Collections.Concurrent;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;

namespace Parley.Tests.Support;

/// <summary>
/// A node of a test's deployment: on the test's Redis channel (when given), with the test's signing key (none:
/// the key is the one the deployment generates into its database), and any <see cref="Extra"/> settings.
/// Set <see cref="ParleyApp.SharesDatabaseWith"/> for the second node. Keeps what it logs at warning and above.
/// </summary>
public sealed class ClusterNode(string? redis, string channel, string? signingKey) : ParleyApp, ILoggerProvider
{
    private readonly ConcurrentQueue<string> _problems = new();

    public string Problems => string.Join(Environment.NewLine, _problems);

    /// <summary>More settings for this node (they win over the defaults here).</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Extra { get; init; } = [];

    protected override IEnumerable<KeyValuePair<string, string>> Settings =>
    [
        new("Auth:SigningKey", signingKey ?? ""),
        new("Auth:StampCacheSeconds", "0"),
        new("Redis:Connection", redis ?? ""),
        new("Redis:Channel", channel),
        .. Extra,
    ];

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureLogging(logging => logging.AddProvider(this));
    }

    ILogger ILoggerProvider.CreateLogger(string category) => new Capture(category, _problems);

    void IDisposable.Dispose() { }

    private sealed class Capture(string category, ConcurrentQueue<string> problems) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(LogLevel level) => level >= LogLevel.Warning;
        public void Log<TState>(LogLevel level, EventId id, TState state, Exception? error, Func<TState, Exception?, string> format)
        {
            if (IsEnabled(level)) problems.Enqueue($"{level} {category}: {format(state, error)} {error}");
        }
    }

    /// <summary>Runs the checks, showing what the nodes logged when one fails.</summary>
    public static async Task WithLogsAsync(Func<Task> checks, params ClusterNode[] nodes)
    {
        try
        {
            await checks();
        }
        catch (Exception e) when (e is not Xunit.Sdk.XunitException || nodes.Any(n => n.Problems.Length > 0))
        {
            throw new Xunit.Sdk.XunitException($"{e.Message}{Environment.NewLine}Node logs:{Environment.NewLine}{string.Join(Environment.NewLine, nodes.Select(n => n.Problems))}", e);
        }
    }

    /// <summary>The test Redis; under CI its absence fails the test instead of letting it pass without Redis.</summary>
    public static string? Redis()
    {
        Assert.False(TestRedis is null && UnderCi,
            "PARLEY_TEST_REDIS is not set: CI must run the scale-out tests against Redis (scripts/test.sh starts one)");
        return TestRedis;
    }

    /// <summary>A fresh deployment: its own Redis channel (and key prefix) and signing key.</summary>
    public static (string Channel, string Key) Deployment() => ($"parley:test:{Guid.NewGuid():N}", Convert.ToBase64String(Guid.NewGuid().ToByteArray()) + "-scale-out-test-key");
}
