using System.Data.Common;
using Dapper;
using Parley.Server.Data;
using Parley.Server.Events;

namespace Parley.Server.Safety;

public sealed record AuditEntry(string Id, string ActorId, string? ActorUsername, string Action, string TargetType, string TargetId,
    string? ConversationId, string? Reason, DateTimeOffset CreatedAt);

/// <summary>
/// Every moderation action, once: written in the transaction of the action itself, so an action that rolls back
/// leaves no entry and a committed one exactly one.
/// </summary>
public static class AuditLog
{
    public static Task RecordAsync(EventBatch batch, string actorId, string action, string targetType, string targetId,
        string? conversationId = null, string? reason = null) =>
        batch.Connection.ExecuteAsync(
            """
            INSERT INTO audit_log (id, actor_id, action, target_type, target_id, conversation_id, reason, created_at)
            VALUES (@id, @actorId, @action, @targetType, @targetId, @conversationId, @reason, @now)
            """,
            new { id = Guid.CreateVersion7().ToString(), actorId, action, targetType, targetId, conversationId, reason, now = Clock.NowMs() },
            batch.Transaction);

    /// <summary>Newest first; <paramref name="before"/> is an entry id from the previous page.</summary>
    public static async Task<List<AuditEntry>> ListAsync(DbConnection connection, string? before, int limit)
    {
        var rows = await connection.QueryAsync<(string Id, string ActorId, string? ActorUsername, string Action, string TargetType, string TargetId,
            string? ConversationId, string? Reason, long CreatedAt)>(
            """
            SELECT a.id, a.actor_id, u.username, a.action, a.target_type, a.target_id, a.conversation_id, a.reason, a.created_at
            FROM audit_log a LEFT JOIN users u ON u.id = a.actor_id
            WHERE @before IS NULL OR a.id < @before
            ORDER BY a.id DESC LIMIT @limit
            """, new { before, limit });
        return rows.Select(r => new AuditEntry(r.Id, r.ActorId, r.ActorUsername, r.Action, r.TargetType, r.TargetId, r.ConversationId, r.Reason,
            Clock.ToTime(r.CreatedAt))).ToList();
    }
}

/// <summary>The audit log's action names.</summary>
public static class AuditActions
{
    public const string UserSuspended = "user.suspended";
    public const string UserUnsuspended = "user.unsuspended";
    public const string MessageDeleted = "message.deleted";
    public const string ConversationDeleted = "conversation.deleted";
    public const string ReportHandled = "report.handled";
    public const string MemberBanned = "member.banned";
    public const string MemberUnbanned = "member.unbanned";
    public const string MemberTimedOut = "member.timed_out";
    public const string SlowModeChanged = "conversation.slow_mode";
    public const string ApiKeyCreated = "api_key.created";
    public const string ApiKeyRevoked = "api_key.revoked";
    public const string WebhookCreated = "webhook.created";
    public const string WebhookDeleted = "webhook.deleted";
}
