namespace Parley.Server.Auth;

public sealed class AuthOptions
{
    /// <summary>HS256 key; when empty a random key is generated once and kept in the data folder.</summary>
    public string? SigningKey { get; set; }
    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromDays(7);
    public int LoginAttemptsPerAddressPerMinute { get; set; } = 30;
    public int LoginAttemptsPerUsernamePerMinute { get; set; } = 10;
    /// <summary>PBKDF2 iterations of PasswordHasher (its default is 100,000).</summary>
    public int PasswordIterations { get; set; } = 100_000;
    /// <summary>How long a node trusts its cached security stamp of a user; default 5 s on PostgreSQL (other nodes may revoke it), for ever on SQLite.</summary>
    public double? StampCacheSeconds { get; set; }
}
