using Dapper;
using Parley.Server.Api;
using Parley.Server.Auth;
using Parley.Server.Conversations;
using Parley.Server.Data;
using Parley.Server.Events;
using Parley.Server.Messages;
using Parley.Server.Safety;
using Parley.Server.Users;

namespace Parley.Server.Moderation;

public sealed record SuspendRequest(DateTimeOffset? Until, string? Reason);

public sealed record AdminUserDto(string Id, string Username, string? Email, string Name, bool IsAdmin, bool IsAgent, bool Suspended,
    DateTimeOffset? SuspendedUntil, string? SuspensionReason, DateTimeOffset CreatedAt)
{
    public static AdminUserDto From(UserRow u, long now) => new(u.Id, u.Username, u.Email, u.Name ?? u.Username, u.IsAdmin, u.Kind == UserKinds.Agent,
        u.IsSuspended(now), u.IsSuspended(now) ? Clock.ToTime(u.SuspendedUntil) : null, u.IsSuspended(now) ? u.SuspensionReason : null, Clock.ToTime(u.CreatedAt));
}

/// <summary>What a server administrator does to accounts and content anywhere: each action audited once and announced.</summary>
public sealed class AdminService(EventScope scope, UserStore users, Revocations revocations)
{
    public const int MaxReason = 500;

    public async Task<Outcome<AdminUserDto>> SuspendAsync(string adminId, string userId, SuspendRequest r, CancellationToken ct)
    {
        if (userId == adminId) return Failure.BadRequest("You cannot suspend yourself");
        var now = Clock.NowMs();
        if (r.Until is { } until && until.ToUnixTimeMilliseconds() <= now) return Failure.Invalid("until", "until must be in the future");
        if (r.Reason?.Length > MaxReason) return Failure.Invalid("reason", $"reason must be at most {MaxReason} characters");
        if (await users.GetAsync(userId, ct) is not { IsDeleted: false, Kind: UserKinds.Human } row) return Failure.UserNotFound;
        var reason = string.IsNullOrWhiteSpace(r.Reason) ? null : r.Reason.Trim();
        (row.SuspendedAt, row.SuspendedUntil, row.SuspensionReason) = (now, r.Until?.ToUnixTimeMilliseconds(), reason);
        await scope.WriteAsync(async batch =>
        {
            // A new stamp: every token issued so far stops working, and stays revoked when the suspension is lifted.
            await batch.Connection.ExecuteAsync(
                """
                UPDATE users SET suspended_at = @now, suspended_until = @until, suspension_reason = @reason, security_stamp = @stamp, updated_at = @now
                WHERE id = @userId
                """, new { now, until = row.SuspendedUntil, reason, stamp = Guid.NewGuid().ToString("N"), userId }, batch.Transaction);
            await AuditLog.RecordAsync(batch, adminId, AuditActions.UserSuspended, "user", userId, null, reason);
            await batch.AppendAsync(ModerationEventTypes.UserSuspended, null, adminId, new UserSuspendedEvent(userId, r.Until, reason));
            return true;
        }, ct);
        await revocations.SuspendedAsync(userId);
        return AdminUserDto.From(row, now);
    }

    /// <summary>Lets the user sign in again; lifting a suspension that is not there changes (and records) nothing.</summary>
    public async Task<Outcome<AdminUserDto>> LiftAsync(string adminId, string userId, CancellationToken ct)
    {
        if (await users.GetAsync(userId, ct) is not { IsDeleted: false } row) return Failure.UserNotFound;
        var now = Clock.NowMs();
        if (!row.IsSuspended(now)) return AdminUserDto.From(row, now);
        await scope.WriteAsync(async batch =>
        {
            await batch.Connection.ExecuteAsync(
                "UPDATE users SET suspended_at = NULL, suspended_until = NULL, suspension_reason = NULL, updated_at = @now WHERE id = @userId",
                new { now, userId }, batch.Transaction);
            await AuditLog.RecordAsync(batch, adminId, AuditActions.UserUnsuspended, "user", userId);
            await batch.AppendAsync(ModerationEventTypes.UserUnsuspended, null, adminId, new UserEvent(userId));
            return true;
        }, ct);
        row.SuspendedAt = null;
        return AdminUserDto.From(row, now);
    }

    public Task<Outcome<string>> DeleteMessageAsync(string adminId, string messageId, string? reason, CancellationToken ct) =>
        scope.TryWriteAsync<string>(async batch =>
        {
            var (connection, tx) = (batch.Connection, batch.Transaction);
            if (await MessageStore.GetAsync(connection, tx, messageId) is not { } row) return Failure.MessageNotFound;
            if (row.DeletedAt is not null) return row.Id;
            var now = Clock.NowMs();
            await MessageStore.SoftDeleteAsync(connection, tx, row.Id, adminId, now);
            await batch.AppendAsync(MessageEventTypes.MessageDeleted, row.ConversationId, null,
                new MessageDeletedEvent(row.ConversationId, row.Id, row.Id, row.Seq, adminId, Clock.ToTime(now)));
            await AuditLog.RecordAsync(batch, adminId, AuditActions.MessageDeleted, "message", row.Id, row.ConversationId, reason);
            return row.Id;
        }, ct);

    public Task<Outcome<string>> DeleteConversationAsync(string adminId, string conversationId, string? reason, CancellationToken ct) =>
        scope.TryWriteAsync<string>(async batch =>
        {
            var (connection, tx) = (batch.Connection, batch.Transaction);
            var deletedAt = await connection.QuerySingleOrDefaultAsync<long?>(
                "SELECT COALESCE(deleted_at, 0) FROM conversations WHERE id = @conversationId", new { conversationId }, tx);
            if (deletedAt is null) return Failure.ConversationNotFound;
            if (deletedAt != 0) return conversationId;
            await ConversationStore.SoftDeleteAsync(connection, tx, conversationId, Clock.NowMs());
            await batch.AppendAsync(ConversationEventTypes.ConversationDeleted, conversationId, null, new ConversationDeletedEvent(conversationId, adminId));
            await AuditLog.RecordAsync(batch, adminId, AuditActions.ConversationDeleted, "conversation", conversationId, conversationId, reason);
            return conversationId;
        }, ct);
}
