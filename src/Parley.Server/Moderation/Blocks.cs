using System.Security.Claims;
using Dapper;
using Parley.Server.Api;
using Parley.Server.Data;
using Parley.Server.Events;
using Parley.Server.Safety;
using Parley.Server.Users;

namespace Parley.Server.Moderation;

public sealed record BlockedUserDto(string Id, string Username, string Name, string? ProfilePicture, DateTimeOffset BlockedAt);

/// <summary>
/// Blocking a person: they can no longer message me directly (nor I them), and in shared groups I stop seeing what
/// they say or do. Quiet on their side: nothing tells them. My other devices hear of it (user:blocked / user:unblocked).
/// </summary>
public sealed class BlockService(Db db, EventScope scope, UserStore users, BlockList blocks)
{
    public const string Blocked = ModerationEventTypes.UserBlocked;
    public const string Unblocked = ModerationEventTypes.UserUnblocked;

    public async Task<Outcome<BlockedUserDto>> BlockAsync(string callerId, string userId, CancellationToken ct)
    {
        if (userId == callerId) return Failure.BadRequest("You cannot block yourself");
        if (await users.GetAsync(userId, ct) is not { IsDeleted: false } target) return Failure.UserNotFound;
        if (target.Kind != UserKinds.Human) return Failure.BadRequest("Only people can be blocked");
        var now = Clock.NowMs();
        var added = await scope.WriteAsync(async batch =>
        {
            var inserted = await batch.Connection.ExecuteAsync(
                "INSERT INTO user_blocks (blocker_id, blocked_id, created_at) VALUES (@callerId, @userId, @now) ON CONFLICT DO NOTHING",
                new { callerId, userId, now }, batch.Transaction) > 0;
            if (inserted) await batch.AppendAsync(Blocked, null, callerId, new UserEvent(userId));
            return inserted;
        }, ct);
        if (added) await blocks.ChangedAsync(callerId);
        var at = await BlockedAtAsync(callerId, userId, ct) ?? now;
        return new BlockedUserDto(target.Id, target.Username, target.Name ?? target.Username, target.ProfilePicture, Clock.ToTime(at));
    }

    /// <summary>Unblocking someone not blocked changes nothing.</summary>
    public async Task<Outcome<bool>> UnblockAsync(string callerId, string userId, CancellationToken ct)
    {
        if (await users.GetAsync(userId, ct) is null) return Failure.UserNotFound;
        var removed = await scope.WriteAsync(async batch =>
        {
            var deleted = await batch.Connection.ExecuteAsync("DELETE FROM user_blocks WHERE blocker_id = @callerId AND blocked_id = @userId",
                new { callerId, userId }, batch.Transaction) > 0;
            if (deleted) await batch.AppendAsync(Unblocked, null, callerId, new UserEvent(userId));
            return deleted;
        }, ct);
        if (removed) await blocks.ChangedAsync(callerId);
        return removed;
    }

    public async Task<List<BlockedUserDto>> ListAsync(string callerId, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        var rows = await connection.QueryAsync<(string Id, string Username, string? Name, string? ProfilePicture, long CreatedAt)>(
            """
            SELECT u.id, u.username, u.name, u.profile_picture, b.created_at FROM user_blocks b JOIN users u ON u.id = b.blocked_id
            WHERE b.blocker_id = @callerId ORDER BY b.created_at DESC, u.id
            """, new { callerId });
        return rows.Select(r => new BlockedUserDto(r.Id, r.Username, r.Name ?? r.Username, r.ProfilePicture, Clock.ToTime(r.CreatedAt))).ToList();
    }

    private async Task<long?> BlockedAtAsync(string callerId, string userId, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        return await connection.ExecuteScalarAsync<long?>("SELECT created_at FROM user_blocks WHERE blocker_id = @callerId AND blocked_id = @userId",
            new { callerId, userId });
    }
}

public static class BlocksApi
{
    public static RouteGroupBuilder MapBlocks(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/users").WithTags("Blocks");
        group.MapGet("/blocked", async (ClaimsPrincipal user, BlockService service, CancellationToken ct) =>
            Ok.With(await service.ListAsync(user.Id(), ct), "Blocked users retrieved"));
        group.MapPut("/{id}/block", async (string id, ClaimsPrincipal user, BlockService service, CancellationToken ct) =>
            (await service.BlockAsync(user.Id(), id, ct)).ToResult(b => Ok.With(b, "User blocked")));
        group.MapDelete("/{id}/block", async (string id, ClaimsPrincipal user, BlockService service, CancellationToken ct) =>
            (await service.UnblockAsync(user.Id(), id, ct)).ToResult(removed => Ok.With(new { userId = id, blocked = false, removed }, "User unblocked")));
        return api;
    }
}
