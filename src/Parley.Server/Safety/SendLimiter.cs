using System.Collections.Concurrent;
using Parley.Server.Api;

namespace Parley.Server.Safety;

public sealed class SendLimitOptions
{
    /// <summary>Messages a user may send per second, sustained, over REST, the gateway and Socket.IO together; 0 lifts the limit.</summary>
    public double MessagesPerUserPerSecond { get; set; } = 5;
    /// <summary>How many may go at once before the rate applies.</summary>
    public int MessagesBurst { get; set; } = 10;
}

/// <summary>
/// A token bucket per user for sending messages, on this node (several nodes each allow the rate: the README
/// says so). Every send path calls <see cref="TryTake"/> before doing any work.
/// </summary>
public sealed class SendLimiter(Microsoft.Extensions.Options.IOptions<SendLimitOptions> options, TimeProvider time)
{
    private const int MaxTracked = 100_000;
    private readonly double _rate = options.Value.MessagesPerUserPerSecond;
    private readonly double _burst = Math.Max(1, options.Value.MessagesBurst);
    private readonly ConcurrentDictionary<string, Bucket> _buckets = new(StringComparer.Ordinal);

    public bool Lifted => _rate <= 0;

    /// <summary>Null when the user may send now (a token is taken), else the failure saying how long to wait.</summary>
    public Failure? TryTake(string userId)
    {
        if (Lifted) return null;
        var now = time.GetTimestamp();
        if (_buckets.Count >= MaxTracked) Prune(now);
        var bucket = _buckets.GetOrAdd(userId, static (_, s) => new Bucket(s.Burst, s.Now), (Burst: _burst, Now: now));
        lock (bucket)
        {
            bucket.Refill(now, _rate, _burst, time);
            if (bucket.Tokens >= 1)
            {
                bucket.Tokens -= 1;
                return null;
            }
            return Failure.TooMany("You are sending messages too fast", TimeSpan.FromSeconds((1 - bucket.Tokens) / _rate));
        }
    }

    /// <summary>Forgets buckets that are full again: they behave exactly like new ones.</summary>
    private void Prune(long now)
    {
        foreach (var (userId, bucket) in _buckets)
            lock (bucket)
            {
                bucket.Refill(now, _rate, _burst, time);
                if (bucket.Tokens >= _burst) _buckets.TryRemove(userId, out _);
            }
    }

    private sealed class Bucket(double tokens, long at)
    {
        public double Tokens = tokens;
        private long _at = at;

        public void Refill(long now, double rate, double burst, TimeProvider time)
        {
            Tokens = Math.Min(burst, Tokens + time.GetElapsedTime(_at, now).TotalSeconds * rate);
            _at = now;
        }
    }
}
