using System.Collections.Concurrent;
using Dapper;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;
using Parley.Server.Data;

namespace Parley.Server.SocketIo;

/// <summary>
/// Which URL reaches the node of a session key: every node records its own once it listens (<c>SocketIo:NodeUrl</c>,
/// else its first listening address), and looks the others up on first need. Only recorded URLs are ever
/// forwarded to, never anything a client sends.
/// </summary>
public sealed partial class NodeDirectory(Db db, EngineSessions sessions, IServer server, IOptions<SocketIoOptions> options,
    IHostApplicationLifetime lifetime, ILogger<NodeDirectory> logger) : IHostedService
{
    private readonly ConcurrentDictionary<string, string> _urls = new(StringComparer.Ordinal);

    public Task StartAsync(CancellationToken cancellationToken)
    {
        lifetime.ApplicationStarted.Register(() => _ = RegisterAsync());
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private async Task RegisterAsync()
    {
        var url = OwnUrl();
        if (url is null) return;
        try
        {
            await using var connection = await db.OpenAsync();
            await connection.ExecuteAsync(
                """
                INSERT INTO socketio_nodes (node_key, url, updated_at) VALUES (@key, @url, @at)
                ON CONFLICT (node_key) DO UPDATE SET url = excluded.url, updated_at = excluded.updated_at
                """, new { key = sessions.NodeKey, url, at = Clock.NowMs() });
        }
        catch (Exception e)
        {
            LogRegisterFailed(logger, e);
        }
    }

    private string? OwnUrl()
    {
        if (options.Value.NodeUrl is { Length: > 0 } configured) return configured.TrimEnd('/');
        var address = server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault();
        if (address is null) return null;
        var uri = new Uri(address.Replace("://+", "://localhost").Replace("://*", "://localhost"));
        var host = uri.Host is "0.0.0.0" or "[::]" or "::" ? Environment.MachineName : uri.Host;
        return $"{uri.Scheme}://{host}:{uri.Port}";
    }

    public async ValueTask<string?> UrlOfAsync(string nodeKey)
    {
        if (_urls.TryGetValue(nodeKey, out var url)) return url;
        await using var connection = await db.OpenAsync();
        url = await connection.QuerySingleOrDefaultAsync<string>("SELECT url FROM socketio_nodes WHERE node_key = @nodeKey", new { nodeKey });
        if (url is not null) _urls[nodeKey] = url;
        return url;
    }

    [LoggerMessage(LogLevel.Warning, "Recording this node's Socket.IO address failed; polling requests for its sessions that land on other nodes will fail")]
    private static partial void LogRegisterFailed(ILogger logger, Exception error);
}
