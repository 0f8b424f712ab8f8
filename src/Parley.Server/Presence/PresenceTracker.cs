using System.Collections.Concurrent;
using Parley.Server.Users;

namespace Parley.Server.Presence;

/// <summary>
/// What others see as a user's status: a manual status wins (invisible shows as offline to others),
/// otherwise online while the user has a live socket on this node, else offline.
/// </summary>
public sealed class PresenceTracker
{
    private readonly ConcurrentDictionary<string, int> _sockets = new(StringComparer.Ordinal);

    public bool IsOnline(string userId) => _sockets.TryGetValue(userId, out var n) && n > 0;

    /// <summary>Returns true when this was the user's first socket.</summary>
    public bool Connected(string userId) => _sockets.AddOrUpdate(userId, 1, (_, n) => n + 1) == 1;

    /// <summary>Returns true when this was the user's last socket.</summary>
    public bool Disconnected(string userId)
    {
        var left = _sockets.AddOrUpdate(userId, 0, (_, n) => Math.Max(0, n - 1));
        if (left == 0) _sockets.TryRemove(new KeyValuePair<string, int>(userId, 0));
        return left == 0;
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
