using System.Data.Common;
using Dapper;
using Parley.Server.Data;
using Parley.Server.Messages;
using Parley.Server.Safety;

namespace Parley.Server.Reactions;

/// <summary>The reactions SQL; the same text serves SQLite and PostgreSQL.</summary>
public static class ReactionStore
{
    /// <summary>
    /// The reactions of many messages in one query: per (message, emoji) the count, whether the viewer is among
    /// them and the first <see cref="ReactionLimits.UserIdsShown"/> users, emoji in the order they were first used; the
    /// reactions of people the viewer blocked are left out.
    /// </summary>
    public static async Task<Dictionary<string, List<ReactionSummary>>> ForMessagesAsync(DbConnection connection, DbTransaction? tx,
        IReadOnlyCollection<string> messageIds, string? viewerId)
    {
        var result = new Dictionary<string, List<ReactionSummary>>(StringComparer.Ordinal);
        if (messageIds.Count == 0) return result;
        var rows = await connection.QueryAsync<ReactionRow>(
            $"""
            SELECT message_id, emoji, user_id, total, mine, first_at FROM (
                SELECT r.message_id, r.emoji, r.user_id,
                    COUNT(*) OVER w AS total,
                    MAX(CASE WHEN r.user_id = @viewerId THEN 1 ELSE 0 END) OVER w AS mine,
                    MIN(r.created_at) OVER w AS first_at,
                    ROW_NUMBER() OVER (PARTITION BY r.message_id, r.emoji ORDER BY r.created_at, r.user_id) AS rn
                FROM reactions r WHERE r.message_id {Db.In(connection, "messageIds")} AND {BlockList.NotBlocked("r.user_id", "@viewerId")}
                WINDOW w AS (PARTITION BY r.message_id, r.emoji)) ranked
            WHERE rn <= @shown
            ORDER BY message_id, first_at, emoji, rn
            """, new { messageIds = messageIds.ToArray(), viewerId = viewerId ?? "", shown = ReactionLimits.UserIdsShown }, tx);
        foreach (var group in rows.GroupBy(r => (r.MessageId, r.Emoji)))
        {
            var first = group.First();
            if (!result.TryGetValue(first.MessageId, out var list)) result[first.MessageId] = list = [];
            list.Add(new ReactionSummary(first.Emoji, first.Total, viewerId is null ? null : first.Mine > 0, group.Select(r => r.UserId).ToList()));
        }
        return result;
    }

    /// <summary>The messages with their reactions for <paramref name="viewerId"/> (null: the neutral view sent in events).</summary>
    public static async Task<List<MessageDto>> AttachAsync(DbConnection connection, DbTransaction? tx, IReadOnlyList<MessageDto> messages, string? viewerId)
    {
        var live = messages.Where(m => !m.Deleted).Select(m => m.Id).ToList();
        var byMessage = await ForMessagesAsync(connection, tx, live, viewerId);
        return messages.Select(m => byMessage.TryGetValue(m.Id, out var r) ? m with { Reactions = r } : m).ToList();
    }

    public static async Task<bool> AddAsync(DbConnection connection, DbTransaction tx, string conversationId, string messageId, string emoji,
        string userId, long now) =>
        await connection.ExecuteAsync(
            """
            INSERT INTO reactions (message_id, emoji, user_id, conversation_id, created_at) VALUES (@messageId, @emoji, @userId, @conversationId, @now)
            ON CONFLICT DO NOTHING
            """, new { messageId, emoji, userId, conversationId, now }, tx) > 0;

    public static async Task<bool> RemoveAsync(DbConnection connection, DbTransaction tx, string messageId, string emoji, string userId) =>
        await connection.ExecuteAsync("DELETE FROM reactions WHERE message_id = @messageId AND emoji = @emoji AND user_id = @userId",
            new { messageId, emoji, userId }, tx) > 0;

    public static Task<long> CountAsync(DbConnection connection, DbTransaction tx, string messageId, string emoji) =>
        connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM reactions WHERE message_id = @messageId AND emoji = @emoji", new { messageId, emoji }, tx);

    /// <summary>Whether the emoji is already on the message, and how many distinct emoji the message has.</summary>
    public static async Task<(bool Present, long Distinct)> DistinctAsync(DbConnection connection, DbTransaction tx, string messageId, string emoji)
    {
        var row = await connection.QuerySingleAsync<(long Present, long Distinct)>(
            """
            SELECT COALESCE(SUM(CASE WHEN emoji = @emoji THEN 1 ELSE 0 END), 0), COUNT(DISTINCT emoji)
            FROM reactions WHERE message_id = @messageId
            """, new { messageId, emoji }, tx);
        return (row.Present > 0, row.Distinct);
    }

    public static Task DeleteForMessageAsync(DbConnection connection, DbTransaction tx, string messageId) =>
        connection.ExecuteAsync("DELETE FROM reactions WHERE message_id = @messageId", new { messageId }, tx);
}

/// <summary>Puts the reactions on every message view (history, single messages, pins, edit events).</summary>
public sealed class ReactionDecorator : IMessageDecorator
{
    public Task<List<MessageDto>> DecorateAsync(DbConnection connection, DbTransaction? tx, IReadOnlyList<MessageDto> messages, string? viewerId) =>
        ReactionStore.AttachAsync(connection, tx, messages, viewerId);
}
