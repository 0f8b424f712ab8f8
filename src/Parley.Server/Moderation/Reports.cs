using Dapper;
using Parley.Server.Api;
using Parley.Server.Data;
using Parley.Server.Events;
using Parley.Server.Messages;
using Parley.Server.Users;

namespace Parley.Server.Moderation;

public sealed record ReportRequest(string? MessageId, string? UserId, string? Reason, string? Details);

public sealed record ReportDto(string Id, string? MessageId, string UserId, string? Username, string Reason, string? Details, string Status,
    string? Action, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, string? ReporterId = null, string? ReporterUsername = null,
    string? ConversationId = null, string? MessageContent = null, string? HandledBy = null);

public static class ReportReasons
{
    public static readonly string[] All = ["spam", "harassment", "hate", "violence", "sexual", "self_harm", "impersonation", "other"];
    public const int MaxDetails = 1000;
}

/// <summary>
/// Reports by users on a message they can see or on a person: one open report per reporter and target (a second one
/// updates the first). Administrators work the queue through <see cref="ReportQueue"/>.
/// </summary>
public sealed class ReportService(Db db, EventScope scope, UserStore users)
{
    public async Task<Outcome<ReportDto>> ReportAsync(string callerId, ReportRequest r, CancellationToken ct)
    {
        var hasMessage = !string.IsNullOrWhiteSpace(r.MessageId);
        if (hasMessage == !string.IsNullOrWhiteSpace(r.UserId)) return Failure.Invalid("messageId", "Send messageId or userId (one of them)");
        var reason = r.Reason?.Trim().ToLowerInvariant();
        if (reason is null || !ReportReasons.All.Contains(reason))
            return Failure.Invalid("reason", $"reason must be one of: {string.Join(", ", ReportReasons.All)}");
        if (r.Details?.Length > ReportReasons.MaxDetails) return Failure.Invalid("details", $"details must be at most {ReportReasons.MaxDetails} characters");
        var details = string.IsNullOrWhiteSpace(r.Details) ? null : r.Details.Trim();
        if (hasMessage && !Guid.TryParse(r.MessageId, out _)) return Failure.MessageNotFound;
        if (!hasMessage && !Guid.TryParse(r.UserId, out _)) return Failure.UserNotFound;

        return await scope.TryWriteAsync<ReportDto>(async batch =>
        {
            var (connection, tx) = (batch.Connection, batch.Transaction);
            string targetUserId;
            if (hasMessage)
            {
                // Only what the reporter can see: a message of a conversation they are in.
                if (await MessageStore.GetAsync(connection, tx, r.MessageId!) is not { } message
                    || await MessageStore.AccessAsync(connection, tx, message.ConversationId, callerId) is null)
                    return Failure.MessageNotFound;
                if (message.Type == MessageTypes.System) return Failure.BadRequest("System messages cannot be reported");
                targetUserId = message.SenderId;
            }
            else
            {
                if (await users.GetAsync(r.UserId!, ct) is not { IsDeleted: false } target) return Failure.UserNotFound;
                targetUserId = target.Id;
            }
            if (targetUserId == callerId) return Failure.BadRequest("You cannot report yourself");
            var now = Clock.NowMs();
            var id = await connection.ExecuteScalarAsync<string>(
                """
                INSERT INTO reports (id, reporter_id, target_key, message_id, user_id, reason, details, status, created_at, updated_at)
                VALUES (@id, @callerId, @targetKey, @messageId, @targetUserId, @reason, @details, 'open', @now, @now)
                ON CONFLICT (reporter_id, target_key) WHERE status = 'open' DO UPDATE SET reason = @reason, details = @details, updated_at = @now
                RETURNING id
                """, new
                {
                    id = Guid.CreateVersion7().ToString(), callerId, targetKey = hasMessage ? "message:" + r.MessageId : "user:" + targetUserId,
                    messageId = hasMessage ? r.MessageId : null, targetUserId, reason, details, now,
                }, tx);
            return (await ListAsync(connection, tx, "r.id = @id", new { id }, 1, 0, admin: false))[0];
        }, ct);
    }

    public async Task<List<ReportDto>> MineAsync(string callerId, Paging paging, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        return await ListAsync(connection, null, "r.reporter_id = @callerId", new { callerId }, paging.Limit, paging.Offset, admin: false);
    }

    /// <summary>Reports newest first; the admin view adds who reported, the conversation and what the message said.</summary>
    public static async Task<List<ReportDto>> ListAsync(System.Data.Common.DbConnection connection, System.Data.Common.DbTransaction? tx,
        string where, object args, int limit, long offset, bool admin)
    {
        var parameters = new DynamicParameters(args);
        parameters.Add("limit", limit);
        parameters.Add("offset", offset);
        var rows = await connection.QueryAsync<ReportRow>(
            $"""
            SELECT r.id, r.message_id, r.user_id, u.username, r.reason, r.details, r.status, r.action, r.created_at, r.updated_at,
                r.reporter_id, ru.username AS reporter_username, x.conversation_id, x.content AS message_content, r.handled_by
            FROM reports r LEFT JOIN users u ON u.id = r.user_id LEFT JOIN users ru ON ru.id = r.reporter_id LEFT JOIN messages x ON x.id = r.message_id
            WHERE {where}
            ORDER BY r.created_at DESC, r.id DESC LIMIT @limit OFFSET @offset
            """, parameters, tx);
        return rows.Select(r => new ReportDto(r.Id, r.MessageId, r.UserId, r.Username, r.Reason, r.Details, r.Status, r.Action,
            Clock.ToTime(r.CreatedAt), Clock.ToTime(r.UpdatedAt), admin ? r.ReporterId : null, admin ? r.ReporterUsername : null,
            admin ? r.ConversationId : null, admin ? r.MessageContent : null, admin ? r.HandledBy : null)).ToList();
    }

    private sealed class ReportRow
    {
        public string Id { get; set; } = "";
        public string? MessageId { get; set; }
        public string UserId { get; set; } = "";
        public string? Username { get; set; }
        public string Reason { get; set; } = "";
        public string? Details { get; set; }
        public string Status { get; set; } = "";
        public string? Action { get; set; }
        public long CreatedAt { get; set; }
        public long UpdatedAt { get; set; }
        public string? ReporterId { get; set; }
        public string? ReporterUsername { get; set; }
        public string? ConversationId { get; set; }
        public string? MessageContent { get; set; }
        public string? HandledBy { get; set; }
    }
}
