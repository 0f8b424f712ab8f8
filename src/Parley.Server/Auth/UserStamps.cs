using System.Collections.Concurrent;
using Dapper;
using Microsoft.Extensions.Options;
using Parley.Server.Data;

namespace Parley.Server.Auth;

/// <summary>
/// The current security stamp of each user, so that every request can check its token has not been
/// revoked without a database round trip. Changing a password or deleting an account calls
/// <see cref="Forget"/> on every node (<see cref="Revocations"/>); a deleted user has no stamp and every token
/// of theirs fails. On PostgreSQL a node may miss that message (Redis away), so a cached stamp is also re-read
/// after Auth:StampCacheSeconds (default 5 there, for ever on single-node SQLite).
/// </summary>
public sealed class UserStamps(Db db, IOptions<AuthOptions> options)
{
    private readonly ConcurrentDictionary<string, (string? Stamp, long ReadAt)> _stamps = new(StringComparer.Ordinal);
    private readonly long _maxAgeMs = options.Value.StampCacheSeconds is { } seconds ? (long)(seconds * 1000)
        : db.IsSqlite ? long.MaxValue : 5_000;

    private long _forgets;

    public async ValueTask<bool> IsCurrentAsync(string userId, string stamp, CancellationToken ct)
    {
        var now = Environment.TickCount64;
        if (!_stamps.TryGetValue(userId, out var cached) || now - cached.ReadAt >= _maxAgeMs)
        {
            var forgetsBefore = Interlocked.Read(ref _forgets);
            await using var connection = await db.OpenAsync(ct);
            cached = (await connection.QuerySingleOrDefaultAsync<string?>(
                "SELECT security_stamp FROM users WHERE id = @userId AND deleted_at IS NULL", new { userId }), now);
            _stamps[userId] = cached;
            // A Forget that ran while we read may have been for a stamp we just read stale: don't keep it.
            if (Interlocked.Read(ref _forgets) != forgetsBefore) _stamps.TryRemove(userId, out _);
        }
        return cached.Stamp is not null && string.Equals(cached.Stamp, stamp, StringComparison.Ordinal);
    }

    public void Forget(string userId)
    {
        Interlocked.Increment(ref _forgets);
        _stamps.TryRemove(userId, out _);
    }
}
