using System.Data.Common;
using Dapper;
using Parley.Server.Data;

namespace Parley.Server.Uploads;

/// <summary>The uploads SQL (both dialects). Access to a file is one query: the permission is in the WHERE.</summary>
public static class UploadStore
{
    private const string Columns = """
        up.id, up.owner_id, up.name, up.content_type, up.size, up.width, up.height, up.sha256, up.storage_key, up.thumbnail_key,
        up.conversation_id, up.message_id, up.created_at
        """;

    // The uploader while unsent (and still an account), or a member of the live conversation whose live message holds it.
    private const string UserMayRead = """
        ((up.message_id IS NULL AND up.owner_id = @scopeId AND EXISTS (SELECT 1 FROM users u WHERE u.id = up.owner_id AND u.deleted_at IS NULL))
         OR EXISTS (SELECT 1 FROM messages m JOIN conversations c ON c.id = m.conversation_id AND c.deleted_at IS NULL
            JOIN members mb ON mb.conversation_id = m.conversation_id AND mb.user_id = @scopeId
            WHERE m.id = up.message_id AND m.deleted_at IS NULL))
        """;

    // A URL signed for a conversation: its live message holds the file, and the reader is a member of it now.
    private const string ConversationMayRead = """
        EXISTS (SELECT 1 FROM messages m JOIN conversations c ON c.id = m.conversation_id AND c.deleted_at IS NULL
            JOIN members mb ON mb.conversation_id = m.conversation_id AND mb.user_id = @readerId
            WHERE m.id = up.message_id AND m.conversation_id = @scopeId AND m.deleted_at IS NULL)
        """;

    public static Task InsertAsync(DbConnection connection, DbTransaction tx, UploadRow r) => connection.ExecuteAsync(
        """
        INSERT INTO uploads (id, owner_id, name, content_type, size, width, height, sha256, storage_key, thumbnail_key, conversation_id, created_at)
        VALUES (@Id, @OwnerId, @Name, @ContentType, @Size, @Width, @Height, @Sha256, @StorageKey, @ThumbnailKey, @ConversationId, @CreatedAt)
        """, r, tx);

    public static Task<long> UsedBytesAsync(DbConnection connection, string ownerId) =>
        connection.ExecuteScalarAsync<long>("SELECT COALESCE(SUM(size), 0) FROM uploads WHERE owner_id = @ownerId", new { ownerId });

    public static async Task<bool> IsMemberAsync(DbConnection connection, string conversationId, string userId) =>
        await connection.ExecuteScalarAsync<long>(
            """
            SELECT COUNT(*) FROM members m JOIN conversations c ON c.id = m.conversation_id AND c.deleted_at IS NULL
            WHERE m.conversation_id = @conversationId AND m.user_id = @userId
            """, new { conversationId, userId }) > 0;

    public static Task<UploadRow?> FindReadableAsync(DbConnection connection, string id, UrlScope scope, string? readerId) =>
        connection.QuerySingleOrDefaultAsync<UploadRow>(
            $"SELECT {Columns} FROM uploads up WHERE up.id = @id AND {(scope.Kind == UrlScope.UserKind ? UserMayRead : ConversationMayRead)}",
            new { id, scopeId = scope.Id, readerId = readerId ?? "" });

    /// <summary>
    /// Attaches the sender's unsent uploads to the message, in one statement that checks ownership and "not sent before";
    /// the rows claimed, in no particular order.
    /// </summary>
    public static async Task<List<UploadRow>> ClaimAsync(DbConnection connection, DbTransaction tx, string[] ids, string ownerId,
        string conversationId, string messageId) =>
        (await connection.QueryAsync<UploadRow>(
            $"""
            UPDATE uploads SET message_id = @messageId, conversation_id = @conversationId
            WHERE id {Db.In(connection, "ids")} AND owner_id = @ownerId AND message_id IS NULL
                AND (conversation_id IS NULL OR conversation_id = @conversationId)
            RETURNING {Columns.Replace("up.", "", StringComparison.Ordinal)}
            """, new { ids, ownerId, conversationId, messageId }, tx)).AsList();

    /// <summary>The uploads held by the messages with conversation seqs in (from, to].</summary>
    public static async Task<List<UploadRow>> ForRangeAsync(DbConnection connection, DbTransaction? tx, string conversationId, long fromExclusive, long toInclusive) =>
        (await connection.QueryAsync<UploadRow>(
            $"""
            SELECT {Columns} FROM messages m JOIN uploads up ON up.message_id = m.id
            WHERE m.conversation_id = @conversationId AND m.seq > @fromExclusive AND m.seq <= @toInclusive
            ORDER BY up.message_id, up.created_at, up.id
            """, new { conversationId, fromExclusive, toInclusive }, tx)).AsList();

    /// <summary>The uploads held by these messages (a page of search hits or thread replies).</summary>
    public static async Task<List<UploadRow>> ForMessagesAsync(DbConnection connection, DbTransaction? tx, string[] messageIds) =>
        (await connection.QueryAsync<UploadRow>(
            $"SELECT {Columns} FROM uploads up WHERE up.message_id {Db.In(connection, "messageIds")} ORDER BY up.message_id, up.created_at, up.id",
            new { messageIds }, tx)).AsList();

    /// <summary>
    /// Uploads whose time is up: never sent and older than the orphan TTL or left by a deleted account; or held by a
    /// message that was deleted (or is gone).
    /// </summary>
    public static async Task<List<UploadRow>> DueForDeletionAsync(DbConnection connection, long orphanBefore, int limit) =>
        (await connection.QueryAsync<UploadRow>(
            $"""
            SELECT {Columns} FROM uploads up
            WHERE (up.message_id IS NULL AND (up.created_at < @orphanBefore
                    OR EXISTS (SELECT 1 FROM users u WHERE u.id = up.owner_id AND u.deleted_at IS NOT NULL)))
               OR (up.message_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM messages m WHERE m.id = up.message_id AND m.deleted_at IS NULL))
            LIMIT @limit
            """, new { orphanBefore, limit })).AsList();

    public static Task DeleteAsync(DbConnection connection, string id) => connection.ExecuteAsync("DELETE FROM uploads WHERE id = @id", new { id });
}
