using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using Parley.Server.Events;
using Parley.Server.Users;
using StackExchange.Redis;

namespace Parley.Server.Presence;

/// <summary>
/// Who is online: a user with a live socket on any node of the deployment, or whose last socket closed less
/// than <see cref="PresenceOptions.OfflineGrace"/> ago. This node counts its own sockets; with Redis the nodes
/// share who holds whom (<see cref="RedisPresence"/>), so a user connected to node A is online on node B too,
/// and coming online or going offline is decided once for the whole deployment. Without Redis this node's
/// sockets are all there is. What others see as a user's status: a manual status wins (invisible shows as
/// offline to others), otherwise online or offline.
/// </summary>
public sealed partial class PresenceTracker : IDisposable
{
    private readonly ConcurrentDictionary<string, int> _sockets = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ITimer> _leaving = new(StringComparer.Ordinal);
    private readonly IOptions<PresenceOptions> _options;
    private readonly TimeProvider _time;
    private readonly CancellationToken _stopping;
    private readonly ILogger<PresenceTracker> _logger;

    public PresenceTracker(IOptions<PresenceOptions> options, TimeProvider time, IEventBus bus, NodeId node, IHostApplicationLifetime lifetime,
        ILogger<PresenceTracker> logger)
    {
        (_options, _time, _stopping, _logger) = (options, time, lifetime.ApplicationStopping, logger);
        if (bus is RedisEventBus redis) Cluster = new RedisPresence(redis, node, options.Value.NodeTtl);
    }

    /// <summary>How long a socket or a request waits for Redis before going on with what this node knows.</summary>
    public static readonly TimeSpan RedisTimeout = TimeSpan.FromSeconds(2);

    /// <summary>The presence the nodes share, when Redis is configured.</summary>
    public RedisPresence? Cluster { get; }

    /// <summary>
    /// A node that shuts down leaves its users for the others to expire after <see cref="PresenceOptions.NodeTtl"/>, as
    /// if it had died: its clients reconnect to another node meanwhile and nobody sees them go offline and back.
    /// </summary>
    private bool Shared => Cluster is not null && !_stopping.IsCancellationRequested;

    /// <summary>The users with a socket on this node.</summary>
    public IEnumerable<string> SocketUsers => _sockets.Where(s => s.Value > 0).Select(s => s.Key);

    private bool IsLocal(string userId) => (_sockets.TryGetValue(userId, out var n) && n > 0) || _leaving.ContainsKey(userId);

    /// <summary>Returns true when the user came online (not when a socket returns within the grace period, nor when they were online on another node).</summary>
    public async Task<bool> ConnectedAsync(string userId)
    {
        var first = _sockets.AddOrUpdate(userId, 1, (_, n) => n + 1) == 1;
        var returned = _leaving.TryRemove(userId, out var pending);
        pending?.Dispose();
        if (!first) return false;
        if (!Shared) return !returned;
        try
        {
            return await Cluster!.ConnectAsync(userId).WaitAsync(RedisTimeout);
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            LogRedisFailed(_logger, e, "connect");
            return !returned;
        }
    }

    /// <summary>
    /// When this was the user's last socket here, calls <paramref name="wentOffline"/> after the grace period, unless a
    /// socket returns here, or (with Redis) the user is still online on another node.
    /// </summary>
    public void Disconnected(string userId, Action wentOffline)
    {
        var left = _sockets.AddOrUpdate(userId, 0, (_, n) => Math.Max(0, n - 1));
        if (left > 0) return;
        _sockets.TryRemove(new KeyValuePair<string, int>(userId, 0));
        if (Shared) _ = SafelyAsync(() => Cluster!.LeaveAsync(userId), "leave");
        ITimer? timer = null;
        timer = _time.CreateTimer(_ =>
        {
            if (!_leaving.TryRemove(new KeyValuePair<string, ITimer>(userId, timer!))) return;
            timer!.Dispose();
            if (_sockets.TryGetValue(userId, out var n) && n > 0) return;
            if (Cluster is null) wentOffline();
            else if (Shared) _ = SafelyAsync(async () => { if (await Cluster.GoneAsync(userId)) wentOffline(); }, "gone");
        }, null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        if (_leaving.TryAdd(userId, timer)) timer.Change(_options.Value.OfflineGrace, Timeout.InfiniteTimeSpan);
        else timer.Dispose();
    }

    /// <summary>Which of these users are online anywhere: one Redis round trip for those not connected here.</summary>
    public async Task<IReadOnlySet<string>> OnlineAsync(IEnumerable<string> userIds, CancellationToken ct = default)
    {
        var ids = userIds.Distinct(StringComparer.Ordinal).ToList();
        var online = ids.Where(IsLocal).ToHashSet(StringComparer.Ordinal);
        if (Cluster is null || online.Count == ids.Count) return online;
        try
        {
            online.UnionWith(await Cluster.OnlineAsync([.. ids.Where(id => !online.Contains(id))]).WaitAsync(RedisTimeout, ct));
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            // Redis is away: answer what this node knows rather than fail the request.
            LogRedisFailed(_logger, e, "read");
        }
        return online;
    }


    public async Task<bool> IsOnlineAsync(string userId, CancellationToken ct = default) => (await OnlineAsync([userId], ct)).Count > 0;

    /// <summary>The status <paramref name="viewerId"/> sees for each of <paramref name="users"/>, by user id.</summary>
    public async Task<IReadOnlyDictionary<string, string>> StatusesAsync(IEnumerable<UserRow> users, string viewerId, CancellationToken ct = default)
    {
        var list = users.ToList();
        var online = await OnlineAsync(list.Where(ShowsPresence).Select(u => u.Id), ct);
        var statuses = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var user in list) statuses[user.Id] = StatusOf(user, viewerId, online.Contains(user.Id));
        return statuses;
    }

    public async Task<string> StatusOfAsync(UserRow user, string viewerId, CancellationToken ct = default) =>
        StatusOf(user, viewerId, ShowsPresence(user) && await IsOnlineAsync(user.Id, ct));

    /// <summary>Whether a user's status depends on their sockets (no manual status overrides it).</summary>
    private static bool ShowsPresence(UserRow user) => !user.IsDeleted && user.Status is null or "online";

    public static string StatusOf(UserRow user, string viewerId, bool online)
    {
        if (user.IsDeleted) return "offline";
        if (user.Status == "invisible") return user.Id == viewerId ? "invisible" : "offline";
        if (user.Status is { Length: > 0 } manual && manual != "online" && manual != "offline") return manual;
        if (user.Status == "offline") return "offline";
        return online || user.Status == "online" ? "online" : "offline";
    }

    private async Task SafelyAsync(Func<Task> step, string what)
    {
        try
        {
            await step();
        }
        catch (Exception e) when (e is RedisException or TimeoutException or InvalidOperationException)
        {
            LogRedisFailed(_logger, e, what);
        }
    }

    public void Dispose()
    {
        foreach (var timer in _leaving.Values) timer.Dispose();
        _leaving.Clear();
    }

    [LoggerMessage(LogLevel.Warning, "Presence: Redis {Step} failed; this node answers from its own sockets meanwhile")]
    private static partial void LogRedisFailed(ILogger logger, Exception error, string step);
}
