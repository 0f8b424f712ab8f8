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

    public async ValueTask<bool> IsCurrentAsync(string userId, string stamp, CancellationToken ct)
    {
        if (!_stamps.TryGetValue(userId, out var current))
        {
            await using var connection = await db.OpenAsync(ct);
            current = await connection.QuerySingleOrDefaultAsync<string?>(
                "SELECT security_stamp FROM users WHERE id = @userId AND deleted_at IS NULL", new { userId });
            _stamps[userId] = current;
        }
        return current is not null && string.Equals(current, stamp, StringComparison.Ordinal);
    }

    public void Forget(string userId) => _stamps.TryRemove(userId, out _);
}
