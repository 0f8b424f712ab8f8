using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace Parley.Server.Auth;

/// <summary>Fixed-window limits on login attempts per client address and per username.</summary>
public sealed class LoginThrottle : IDisposable
{
    private readonly PartitionedRateLimiter<string> _byAddress;
    private readonly PartitionedRateLimiter<string> _byUsername;

    public LoginThrottle(IOptions<AuthOptions> options)
    {
        _byAddress = Create(options.Value.LoginAttemptsPerAddressPerMinute);
        _byUsername = Create(options.Value.LoginAttemptsPerUsernamePerMinute);
    }

    /// <summary>Null when allowed, else how long to wait.</summary>
    public TimeSpan? TryAcquire(string address, string username)
    {
        foreach (var (limiter, key) in new[] { (_byAddress, address), (_byUsername, username.ToLowerInvariant()) })
        {
            using var lease = limiter.AttemptAcquire(key);
            if (!lease.IsAcquired)
                return lease.TryGetMetadata(MetadataName.RetryAfter, out var retry) ? retry : TimeSpan.FromMinutes(1);
        }
        return null;
    }

    private static PartitionedRateLimiter<string> Create(int permitsPerMinute) =>
        PartitionedRateLimiter.Create<string, string>(key => RateLimitPartition.GetFixedWindowLimiter(key, _ =>
            new FixedWindowRateLimiterOptions { PermitLimit = permitsPerMinute, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 }));

    public void Dispose()
    {
        _byAddress.Dispose();
        _byUsername.Dispose();
    }
}
