using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using Parley.Server.Users;

namespace Parley.Server.Presence;

/// <summary>
/// What others see as a user's status: a manual status wins (invisible shows as offline to others),
/// otherwise online while the user has a live socket on this node (or closed the last one less than
/// <see cref="PresenceOptions.OfflineGrace"/> ago), else offline.
/// </summary>
public sealed class PresenceTracker(IOptions<PresenceOptions> options, TimeProvider time)
{
    private readonly ConcurrentDictionary<string, int> _sockets = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ITimer> _leaving = new(StringComparer.Ordinal);

    public bool IsOnline(string userId) => (_sockets.TryGetValue(userId, out var n) && n > 0) || _leaving.ContainsKey(userId);

    /// <summary>Returns true when the user came online (not when a socket returns within the grace period).</summary>
    public bool Connected(string userId)
    {
        var first = _sockets.AddOrUpdate(userId, 1, (_, n) => n + 1) == 1;
        if (_leaving.TryRemove(userId, out var pending))
        {
            pending.Dispose();
            return false;
        }
        return first;
    }

    /// <summary>When this was the user's last socket, calls <paramref name="wentOffline"/> after the grace period unless one returns.</summary>
    public void Disconnected(string userId, Action wentOffline)
    {
        var left = _sockets.AddOrUpdate(userId, 0, (_, n) => Math.Max(0, n - 1));
        if (left > 0) return;
        _sockets.TryRemove(new KeyValuePair<string, int>(userId, 0));
        ITimer? timer = null;
        timer = time.CreateTimer(_ =>
        {
            if (!_leaving.TryRemove(new KeyValuePair<string, ITimer>(userId, timer!))) return;
            timer!.Dispose();
            if (!_sockets.TryGetValue(userId, out var n) || n == 0) wentOffline();
        }, null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        if (_leaving.TryAdd(userId, timer)) timer.Change(options.Value.OfflineGrace, Timeout.InfiniteTimeSpan);
        else timer.Dispose();
    }

    public string StatusOf(UserRow user, string viewerId)
    {
        if (user.IsDeleted) return "offline";
        if (user.Status == "invisible") return user.Id == viewerId ? "invisible" : "offline";
        if (user.Status is { Length: > 0 } manual && manual != "online" && manual != "offline") return manual;
        if (user.Status == "offline") return "offline";
        return IsOnline(user.Id) || user.Status == "online" ? "online" : "offline";
    }
}
