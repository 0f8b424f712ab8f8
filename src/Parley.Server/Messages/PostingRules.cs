using Dapper;
using Parley.Server.Api;
using Parley.Server.Conversations;
using Parley.Server.Events;

namespace Parley.Server.Messages;

/// <summary>Who may post now, beyond membership: timeouts and slow mode, checked inside the send transaction.</summary>
public static class PostingRules
{
    public static Failure TimedOut(long until) =>
        new(403, "timed_out", "You are timed out in this conversation", new { until = Data.Clock.ToTime(until) });

    /// <summary>Null when the caller may post; with slow mode on it also records this post's time.</summary>
    public static async Task<Failure?> CheckAsync(EventBatch batch, MessageAccess access, string callerId, long now)
    {
        if (access.MyTimeoutUntil is { } until && until > now) return TimedOut(until);
        if (access.SlowModeSeconds <= 0 || Roles.IsAdmin(access.MyRole)) return null;
        var next = (access.MyLastPostAt ?? 0) + access.SlowModeSeconds * 1000L;
        if (next > now)
            return Failure.TooMany($"Slow mode is on: one message every {access.SlowModeSeconds} s", TimeSpan.FromMilliseconds(next - now)) with { Code = "slow_mode" };
        await batch.Connection.ExecuteAsync("UPDATE members SET last_post_at = @now WHERE conversation_id = @Id AND user_id = @callerId",
            new { now, access.Id, callerId }, batch.Transaction);
        return null;
    }
}
