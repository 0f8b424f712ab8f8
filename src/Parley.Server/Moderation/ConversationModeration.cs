using Dapper;
using Parley.Server.Api;
using Parley.Server.Conversations;
using Parley.Server.Data;
using Parley.Server.Events;
using Parley.Server.Messages;
using Parley.Server.Safety;

namespace Parley.Server.Moderation;

public sealed record BanRequest(DateTimeOffset? Until, string? Reason);

public sealed record TimeoutRequest(DateTimeOffset? Until, string? Reason);

public sealed record BanDto(string UserId, string? Username, string BannedBy, string? Reason, DateTimeOffset? Until, DateTimeOffset CreatedAt);

/// <summary>
/// Bans and timeouts in a group or channel, by its OWNER or ADMINs (an admin only over members; the owner over
/// everyone else). Each action: one transaction with its event, its system message and its audit entry.
/// </summary>
public sealed class ConversationModeration(EventScope scope, ConversationStore store, MembershipHooks hooks)
{
    public const long MaxTimeoutMs = 28L * 24 * 3600 * 1000;

    public Task<Outcome<BanDto>> BanAsync(string callerId, string conversationId, string userId, BanRequest r, CancellationToken ct) =>
        AsModeratorAsync<BanDto>(callerId, conversationId, userId, ct, async (batch, c, target) =>
        {
            var now = Clock.NowMs();
            if (r.Until is { } end && end.ToUnixTimeMilliseconds() <= now) return Failure.Invalid("until", "until must be in the future");
            if (r.Reason?.Length > AdminService.MaxReason) return Failure.Invalid("reason", $"reason must be at most {AdminService.MaxReason} characters");
            if (await batch.Connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM users WHERE id = @userId", new { userId }, batch.Transaction) == 0)
                return Failure.UserNotFound;
            var until = r.Until?.ToUnixTimeMilliseconds();
            var reason = string.IsNullOrWhiteSpace(r.Reason) ? null : r.Reason.Trim();
            await batch.Connection.ExecuteAsync("DELETE FROM conversation_bans WHERE conversation_id = @conversationId AND user_id = @userId",
                new { conversationId, userId }, batch.Transaction);
            await batch.Connection.ExecuteAsync(
                """
                INSERT INTO conversation_bans (conversation_id, user_id, banned_by, reason, until, created_at)
                VALUES (@conversationId, @userId, @callerId, @reason, @until, @now)
                """, new { conversationId, userId, callerId, reason, until, now }, batch.Transaction);
            await batch.AppendAsync(ModerationEventTypes.MemberBanned, conversationId, null,
                new MemberBannedEvent(conversationId, userId, r.Until, reason, callerId));
            if (target is not null)
            {
                await ConversationStore.RemoveMemberAsync(batch.Connection, batch.Transaction, conversationId, userId);
                await hooks.MemberRemovedAsync(batch, c, callerId, userId, "banned");
            }
            else await SystemMessages.ModeratedAsync(batch, c, callerId, SystemMessages.Banned, userId, Format(r.Until));
            await AuditLog.RecordAsync(batch, callerId, AuditActions.MemberBanned, "user", userId, conversationId, reason);
            return new BanDto(userId, null, callerId, reason, r.Until, Clock.ToTime(now));
        });

    /// <summary>Lifting a ban that is not there changes (and records) nothing.</summary>
    public Task<Outcome<bool>> UnbanAsync(string callerId, string conversationId, string userId, CancellationToken ct) =>
        AsModeratorAsync<bool>(callerId, conversationId, null, ct, async (batch, c, _) =>
        {
            var removed = await batch.Connection.ExecuteAsync("DELETE FROM conversation_bans WHERE conversation_id = @conversationId AND user_id = @userId",
                new { conversationId, userId }, batch.Transaction);
            if (removed == 0) return false;
            await batch.AppendAsync(ModerationEventTypes.MemberUnbanned, conversationId, null, new MemberUnbannedEvent(conversationId, userId, callerId));
            await SystemMessages.ModeratedAsync(batch, c, callerId, SystemMessages.Unbanned, userId, null);
            await AuditLog.RecordAsync(batch, callerId, AuditActions.MemberUnbanned, "user", userId, conversationId);
            return true;
        });

    public Task<Outcome<List<BanDto>>> BansAsync(string callerId, string conversationId, CancellationToken ct) =>
        AsModeratorAsync<List<BanDto>>(callerId, conversationId, null, ct, async (batch, _, _) =>
        {
            var rows = await batch.Connection.QueryAsync<(string UserId, string? Username, string BannedBy, string? Reason, long? Until, long CreatedAt)>(
                """
                SELECT b.user_id, u.username, b.banned_by, b.reason, b.until, b.created_at
                FROM conversation_bans b LEFT JOIN users u ON u.id = b.user_id
                WHERE b.conversation_id = @conversationId AND (b.until IS NULL OR b.until > @now) ORDER BY b.created_at DESC
                """, new { conversationId, now = Clock.NowMs() }, batch.Transaction);
            return rows.Select(b => new BanDto(b.UserId, b.Username, b.BannedBy, b.Reason, Clock.ToTime(b.Until), Clock.ToTime(b.CreatedAt))).ToList();
        });

    /// <summary>Until a time (at most 28 days ahead) the member reads but cannot post, react or type; a past or missing time ends it.</summary>
    public Task<Outcome<object>> TimeoutAsync(string callerId, string conversationId, string userId, TimeoutRequest r, CancellationToken ct) =>
        AsModeratorAsync<object>(callerId, conversationId, userId, ct, async (batch, c, target) =>
        {
            if (target is null) return Failure.NotFound("Member not found");
            var now = Clock.NowMs();
            long? until = r.Until is { } end && end.ToUnixTimeMilliseconds() > now ? end.ToUnixTimeMilliseconds() : null;
            if (until - now > MaxTimeoutMs) return Failure.Invalid("until", "A timeout lasts at most 28 days");
            await batch.Connection.ExecuteAsync("UPDATE members SET timeout_until = @until WHERE conversation_id = @conversationId AND user_id = @userId",
                new { until, conversationId, userId }, batch.Transaction);
            var reason = string.IsNullOrWhiteSpace(r.Reason) ? null : r.Reason.Trim();
            await batch.AppendAsync(ModerationEventTypes.MemberTimedOut, conversationId, null,
                new MemberTimedOutEvent(conversationId, userId, Clock.ToTime(until), reason, callerId));
            await SystemMessages.ModeratedAsync(batch, c, callerId, SystemMessages.TimedOut, userId, Format(Clock.ToTime(until)));
            await AuditLog.RecordAsync(batch, callerId, AuditActions.MemberTimedOut, "user", userId, conversationId, reason);
            return new { conversationId, userId, until = Clock.ToTime(until) };
        });

    private static string? Format(DateTimeOffset? at) => at?.ToString("yyyy-MM-dd HH:mm 'UTC'", System.Globalization.CultureInfo.InvariantCulture);

    private delegate Task<Outcome<T>> ModeratorWork<T>(EventBatch batch, ConversationRow c, MemberRow? target);

    /// <summary>Membership (else 404), a group or channel, an OWNER/ADMIN caller (else 403), a target they outrank (when given).</summary>
    private Task<Outcome<T>> AsModeratorAsync<T>(string callerId, string conversationId, string? targetId, CancellationToken ct, ModeratorWork<T> work) =>
        scope.TryWriteAsync<T>(async batch =>
        {
            if (await store.GetForMemberAsync(batch.Connection, batch.Transaction, conversationId, callerId) is not { } found) return Failure.ConversationNotFound;
            var (c, me) = found;
            if (!ConversationTypes.HasRoles(c.Type)) return Failure.BadRequest("Only groups and channels have moderators");
            if (!Roles.IsAdmin(me.Role)) return Failure.Forbidden("Only an owner or admin can do this");
            MemberRow? target = null;
            if (targetId is not null)
            {
                if (targetId == callerId) return Failure.BadRequest("You cannot do this to yourself");
                target = (await ConversationStore.MembersAsync(batch.Connection, batch.Transaction, c.Id)).FirstOrDefault(m => m.UserId == targetId);
                if (target?.Role == Roles.Owner) return Failure.Forbidden("The owner cannot be moderated");
                if (target?.Role == Roles.Admin && me.Role != Roles.Owner) return Failure.Forbidden("Only the owner can moderate an admin");
            }
            return await work(batch, c, target);
        }, ct);
}
