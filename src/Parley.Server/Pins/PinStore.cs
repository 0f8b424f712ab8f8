using System.Data.Common;
using Dapper;
using Parley.Server.Data;
using Parley.Server.Messages;

namespace Parley.Server.Pins;

/// <summary>The pins SQL; the same text serves SQLite and PostgreSQL.</summary>
public static class PinStore
{
    public static async Task<bool> AddAsync(DbConnection connection, DbTransaction tx, string conversationId, string messageId, string userId, long now) =>
        await connection.ExecuteAsync(
            """
            INSERT INTO pins (conversation_id, message_id, pinned_by, pinned_at) VALUES (@conversationId, @messageId, @userId, @now)
            ON CONFLICT DO NOTHING
            """, new { conversationId, messageId, userId, now }, tx) > 0;

    public static async Task<bool> RemoveAsync(DbConnection connection, DbTransaction tx, string conversationId, string messageId) =>
        await connection.ExecuteAsync("DELETE FROM pins WHERE conversation_id = @conversationId AND message_id = @messageId",
            new { conversationId, messageId }, tx) > 0;

    public static Task<PinRow?> GetAsync(DbConnection connection, DbTransaction? tx, string conversationId, string messageId) =>
        connection.QuerySingleOrDefaultAsync<PinRow>(
            "SELECT conversation_id, message_id, pinned_by, pinned_at FROM pins WHERE conversation_id = @conversationId AND message_id = @messageId",
            new { conversationId, messageId }, tx);

    public static Task<long> CountAsync(DbConnection connection, DbTransaction tx, string conversationId) =>
        connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM pins WHERE conversation_id = @conversationId", new { conversationId }, tx);

    /// <summary>The conversation's pins, newest first, with their messages (two queries).</summary>
    public static async Task<List<(PinRow Pin, MessageRow Message)>> ListAsync(DbConnection connection, string conversationId)
    {
        var pins = (await connection.QueryAsync<PinRow>(
            """
            SELECT conversation_id, message_id, pinned_by, pinned_at FROM pins
            WHERE conversation_id = @conversationId ORDER BY pinned_at DESC, message_id DESC
            """, new { conversationId })).AsList();
        if (pins.Count == 0) return [];
        var messages = (await connection.QueryAsync<MessageRow>(
            $"{MessageStore.Select} WHERE x.id {Db.In(connection, "ids")} AND x.deleted_at IS NULL",
            new { ids = pins.Select(p => p.MessageId).ToArray() })).ToDictionary(m => m.Id, StringComparer.Ordinal);
        return pins.Where(p => messages.ContainsKey(p.MessageId)).Select(p => (p, messages[p.MessageId])).ToList();
    }
}
