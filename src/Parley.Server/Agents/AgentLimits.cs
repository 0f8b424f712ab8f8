using System.Collections.Concurrent;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;
using Parley.Server.Data;

namespace Parley.Server.Agents;

/// <summary>How often one person may ask the agent (per node, per minute), and whether they still have tokens today.</summary>
public sealed class AgentLimits(IOptions<AgentOptions> options, AgentStore store) : IDisposable
{
    private const long DayMs = 86_400_000;

    private readonly PartitionedRateLimiter<string> _perUser = PartitionedRateLimiter.Create<string, string>(userId =>
        RateLimitPartition.GetFixedWindowLimiter(userId, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = options.Value.RequestsPerUserPerMinute, Window = TimeSpan.FromMinutes(1), QueueLimit = 0,
        }));

    // Who was already told they are over the limit, until when: one notice per window, not one per message.
    private readonly ConcurrentDictionary<string, long> _toldUntil = new();

    /// <summary>Null when the question may go to the model; else how long to wait, or TimeSpan.Zero when the asker was already told.</summary>
    public TimeSpan? OverLimit(string userId)
    {
        using var lease = _perUser.AttemptAcquire(userId);
        if (lease.IsAcquired) return null;
        var wait = lease.TryGetMetadata(MetadataName.RetryAfter, out var retry) ? retry : TimeSpan.FromMinutes(1);
        var now = Clock.NowMs();
        if (_toldUntil.TryGetValue(userId, out var until) && until > now) return TimeSpan.Zero;
        if (_toldUntil.Count > 10_000)
            foreach (var expired in _toldUntil.Where(p => p.Value <= now)) _toldUntil.TryRemove(expired);
        _toldUntil[userId] = now + (long)wait.TotalMilliseconds;
        return wait;
    }

    public async Task<bool> BudgetExhaustedAsync(string userId, CancellationToken ct)
    {
        var budget = options.Value.DailyTokenBudgetPerUser;
        if (budget == 0) return false;
        var now = Clock.NowMs();
        return await store.TokensSinceAsync(userId, now - now % DayMs, ct) >= budget;
    }

    public void Dispose() => _perUser.Dispose();
}
