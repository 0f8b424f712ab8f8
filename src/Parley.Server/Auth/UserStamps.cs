using System.Collections.Concurrent;
using Dapper;
using Parley.Server.Data;

namespace Parley.Server.Auth;

/// <summary>
/// The current security stamp of each user, so that every request can check its token has not been
/// revoked without a database round trip. Changing a password or deleting an account calls
/// <see cref="Forget"/>; a deleted user has no stamp and every token of theirs fails.
/// </summary>
public sealed class UserStamps(Db db)
{
    private readonly ConcurrentDictionary<string, string?> _stamps = new(StringComparer.Ordinal);
    private long _forgets;

    public async ValueTask<bool> IsCurrentAsync(string userId, string stamp, CancellationToken ct)
    {
        if (!_stamps.TryGetValue(userId, out var current))
        {
            var before = Interlocked.Read(ref _forgets);
            await using var connection = await db.OpenAsync(ct);
            current = await connection.QuerySingleOrDefaultAsync<string?>(
                "SELECT security_stamp FROM users WHERE id = @userId AND deleted_at IS NULL", new { userId });
            _stamps[userId] = current;
            // A Forget that ran while we read may have been overtaken by our (possibly stale) value: drop it again.
            if (Interlocked.Read(ref _forgets) != before) _stamps.TryRemove(userId, out _);
        }
        return current is not null && string.Equals(current, stamp, StringComparison.Ordinal);
    }

    public void Forget(string userId)
    {
        Interlocked.Increment(ref _forgets);
        _stamps.TryRemove(userId, out _);
    }
}
