using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Parley.Server.Presence;

/// <summary>
/// With Redis: renews this node's presence every third of <see cref="PresenceOptions.NodeTtl"/> and sweeps the
/// nodes that stopped renewing theirs (killed, or cut off from Redis): their users that no live node holds go
/// offline, announced by whichever node swept them. A node that was itself swept while cut off claims its
/// users again when it is back. Without Redis there is nothing to do.
/// </summary>
public sealed partial class PresenceHeartbeat(PresenceTracker tracker, PresenceService presence, IOptions<PresenceOptions> options, TimeProvider time,
    ILogger<PresenceHeartbeat> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (tracker.Cluster is not { } cluster) return;
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(Math.Max(100, options.Value.NodeTtl.TotalMilliseconds / 3)), time);
        var first = true;
        do
        {
            try
            {
                var (forgotten, dead) = await cluster.BeatAsync(first).WaitAsync(PresenceTracker.RedisTimeout, stoppingToken);
                first = false;
                if (forgotten)
                {
                    LogReclaiming(logger);
                    foreach (var userId in tracker.SocketUsers)
                        if (await cluster.ConnectAsync(userId)) await presence.CameOnlineAsync(userId);
                }
                foreach (var node in dead)
                    foreach (var userId in await cluster.SweepAsync(node)) await presence.WentOfflineAsync(userId);
            }
            catch (Exception e) when (e is RedisException or TimeoutException or InvalidOperationException)
            {
                LogFailed(logger, e);
            }
        } while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    [LoggerMessage(LogLevel.Warning, "Presence: this node had been given up for dead (cut off from Redis); claiming its users again")]
    private static partial void LogReclaiming(ILogger logger);

    [LoggerMessage(LogLevel.Warning, "Presence: renewing this node or sweeping gone nodes failed; trying again at the next beat")]
    private static partial void LogFailed(ILogger logger, Exception error);
}
