using System.Data.Common;
using System.Text.Json;
using Dapper;
using Parley.Server.Api;
using Parley.Server.Data;

namespace Parley.Server.Notifications;

public sealed class NotificationRow
{
    public string Id { get; set; } = "";
    public string UserId { get; set; } = "";
    public string? SenderId { get; set; }
    public string Type { get; set; } = "";
    public string Message { get; set; } = "";
    public string? Data { get; set; }
    public string? ConversationId { get; set; }
    public long CreatedAt { get; set; }
    public long? ReadAt { get; set; }

    public NotificationDto ToDto() => new(Id, UserId, Type, Message,
        Data is null ? null : JsonDocument.Parse(Data).RootElement.Clone(), ConversationId,
        Clock.ToTime(CreatedAt), Clock.ToTime(ReadAt), ReadAt is not null, SenderId);
}

/// <summary>The notifications SQL; the same text serves SQLite and PostgreSQL. Every statement is scoped to its owner.</summary>
public sealed class NotificationStore(Db db)
{
    private const string Columns = "id, user_id, sender_id, type, message, data, conversation_id, created_at, read_at";

    public Db Db => db;

    public static async Task InsertAsync(DbConnection connection, DbTransaction tx, NotificationRow n)
    {
        // Newest-first must be exact even for several notifications in one millisecond (UUIDv7 ids are random
        // within a millisecond), so a user's notifications get strictly increasing times.
        var latest = await connection.ExecuteScalarAsync<long?>(
            "SELECT MAX(created_at) FROM notifications WHERE user_id = @UserId", new { n.UserId }, tx);
        if (latest >= n.CreatedAt) n.CreatedAt = latest.Value + 1;
        await connection.ExecuteAsync(
            $"INSERT INTO notifications ({Columns}) VALUES (@Id, @UserId, @SenderId, @Type, @Message, @Data, @ConversationId, @CreatedAt, @ReadAt)",
            n, tx);
    }

    public static async Task<bool> IsMutedAsync(DbConnection connection, DbTransaction tx, string userId, string conversationId, long now) =>
        await connection.ExecuteScalarAsync<long>(
            """
            SELECT COUNT(*) FROM members
            WHERE conversation_id = @conversationId AND user_id = @userId AND muted = TRUE AND (muted_until IS NULL OR muted_until > @now)
            """, new { conversationId, userId, now }, tx) > 0;

    /// <summary>Whether <paramref name="senderId"/> may notify <paramref name="userId"/>: themselves, or a person they share a conversation with who has not blocked them.</summary>
    public static async Task<bool> CanNotifyAsync(DbConnection connection, DbTransaction tx, string senderId, string userId) =>
        await connection.ExecuteScalarAsync<long>(
            """
            SELECT COUNT(*) FROM users u
            WHERE u.id = @userId AND u.deleted_at IS NULL AND u.kind = 'human'
              AND NOT EXISTS (SELECT 1 FROM user_blocks b WHERE b.blocker_id = u.id AND b.blocked_id = @senderId)
              AND (u.id = @senderId OR EXISTS (
                SELECT 1 FROM members mine
                JOIN members theirs ON theirs.conversation_id = mine.conversation_id AND theirs.user_id = u.id
                JOIN conversations c ON c.id = mine.conversation_id AND c.deleted_at IS NULL
                WHERE mine.user_id = @senderId))
            """, new { senderId, userId }, tx) > 0;

    public async Task<(List<NotificationRow> Rows, long Total, long Unread)> ListAsync(string userId, bool unreadOnly, Paging paging, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        var counts = await connection.QuerySingleAsync<(long Total, long Unread)>(
            "SELECT COUNT(*), COUNT(*) - COUNT(read_at) FROM notifications WHERE user_id = @userId", new { userId });
        var rows = await connection.QueryAsync<NotificationRow>(
            $"""
            SELECT {Columns} FROM notifications
            WHERE user_id = @userId {(unreadOnly ? "AND read_at IS NULL" : "")}
            ORDER BY created_at DESC, id DESC
            LIMIT @limit OFFSET @offset
            """, new { userId, limit = paging.Limit, offset = paging.Offset });
        return (rows.AsList(), unreadOnly ? counts.Unread : counts.Total, counts.Unread);
    }

    /// <summary>Marks one of the user's notifications read (keeping the first readAt); null when it is not theirs.</summary>
    public Task<NotificationRow?> MarkReadAsync(string userId, string id, CancellationToken ct) => db.WriteAsync((connection, tx) =>
        connection.QuerySingleOrDefaultAsync<NotificationRow>(
            $"UPDATE notifications SET read_at = COALESCE(read_at, @now) WHERE id = @id AND user_id = @userId RETURNING {Columns}",
            new { id, userId, now = Clock.NowMs() }, tx), ct);

    public Task<int> MarkAllReadAsync(string userId, CancellationToken ct) => db.WriteAsync((connection, tx) =>
        connection.ExecuteAsync("UPDATE notifications SET read_at = @now WHERE user_id = @userId AND read_at IS NULL",
            new { userId, now = Clock.NowMs() }, tx), ct);
}
