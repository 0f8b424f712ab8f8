using System.Collections.Concurrent;
using System.Security.Claims;
using Microsoft.Extensions.Options;
using Parley.Server.Data;
using Parley.Server.Events;
using StackExchange.Redis;

namespace Parley.Server.Presence;

/// <summary>How long without activity makes a connected user idle; zero (the default) tracks nothing. Push sets it from Push:IdleSeconds.</summary>
public sealed class UserActivityOptions
{
    public TimeSpan Window { get; set; }
}

/// <summary>
/// When each user last did something: opened a socket, made a socket request other than the heartbeat <c>ping</c>
/// (clients ping whether anyone looks at them or not), or made an authenticated REST request. Kept per node, and with
/// Redis shared by the nodes (a key per user under the bus's prefix, written at most every tenth of the window), so a
/// user active on one node is not idle on another.
/// </summary>
public sealed partial class UserActivity(IOptions<UserActivityOptions> options, IEventBus bus, ILogger<UserActivity> logger)
{
    private const int MaxUsers = 100_000;
    private readonly ConcurrentDictionary<string, (long Seen, long Shared)> _last = new(StringComparer.Ordinal);
    private readonly RedisEventBus? _redis = bus as RedisEventBus;

    private TimeSpan Window => options.Value.Window;

    private long WindowMs => (long)Window.TotalMilliseconds;

    public void Touch(string userId)
    {
        if (Window <= TimeSpan.Zero) return;
        var now = Clock.NowMs();
        var (_, shared) = _last.GetValueOrDefault(userId);
        var share = _redis is not null && now - shared >= Math.Min(WindowMs / 10, 10_000);
        if (_last.Count >= MaxUsers && !_last.ContainsKey(userId))
            foreach (var stale in _last.Where(e => now - e.Value.Seen > WindowMs)) _last.TryRemove(stale);
        _last[userId] = (now, share ? now : shared);
        if (share) _ = ShareAsync(userId, now);
    }

    /// <summary>Which of these users did nothing, anywhere, for longer than the window (none while the window is zero).</summary>
    public async Task<IReadOnlySet<string>> IdleAsync(IEnumerable<string> userIds, CancellationToken ct = default)
    {
        if (Window <= TimeSpan.Zero) return new HashSet<string>();
        var now = Clock.NowMs();
        var idle = userIds.Where(id => now - _last.GetValueOrDefault(id).Seen > WindowMs).ToHashSet(StringComparer.Ordinal);
        if (_redis is null || idle.Count == 0) return idle;
        try
        {
            var ids = idle.ToList();
            var seen = await _redis.Database.StringGetAsync([.. ids.Select(Key)]).WaitAsync(PresenceTracker.RedisTimeout, ct);
            for (var i = 0; i < ids.Count; i++)
                if (seen[i].TryParse(out long at) && now - at <= WindowMs) idle.Remove(ids[i]);
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            LogRedisFailed(logger, e);
        }
        return idle;
    }

    private async Task ShareAsync(string userId, long now)
    {
        try
        {
            await _redis!.Database.StringSetAsync(Key(userId), now, Window * 2 + TimeSpan.FromSeconds(10));
        }
        catch (Exception e) when (e is RedisException or TimeoutException or InvalidOperationException)
        {
            LogRedisFailed(logger, e);
        }
    }

    private RedisKey Key(string userId) => $"{_redis!.KeyPrefix}presence:active:{userId}";

    [LoggerMessage(LogLevel.Warning, "Sharing user activity through Redis failed")]
    private static partial void LogRedisFailed(ILogger logger, Exception error);
}

public static class UserActivityTracking
{
    /// <summary>Counts every authenticated request (after authentication) as its user's activity.</summary>
    public static IApplicationBuilder UseUserActivity(this IApplicationBuilder app)
    {
        var activity = app.ApplicationServices.GetRequiredService<UserActivity>();
        return app.Use((http, next) =>
        {
            if (http.User.Identity?.IsAuthenticated == true && http.User.FindFirstValue(ClaimTypes.NameIdentifier) is { } id) activity.Touch(id);
            return next(http);
        });
    }
}
