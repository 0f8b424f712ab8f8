using System.Text.Json;
using Dapper;
using Parley.Server.Api;
using Parley.Server.Data;
using Parley.Server.Events;
using Parley.Server.Messages;
using Parley.Server.Users;

namespace Parley.Server.Agents;

/// <summary>A message of the conversation as context for the model.</summary>
public sealed class HistoryRow
{
    public long Seq { get; set; }
    public string SenderId { get; set; } = "";
    public string? SenderUsername { get; set; }
    public string Type { get; set; } = "";
    public string? Content { get; set; }
    public string? ReplyStatus { get; set; }
}

public sealed class ReplyRow
{
    public string MessageId { get; set; } = "";
    public string ConversationId { get; set; } = "";
    public string UserId { get; set; } = "";
    public string Status { get; set; } = "";
    public long StartedAt { get; set; }
}

/// <summary>
/// The agent's SQL. Its messages are written through <see cref="MessageStore.AppendAsync"/> like any other; while an
/// answer streams, each batch of text updates the stored content and appends a message:delta event in one
/// transaction, so the log and the row always agree. Events are published after commit.
/// </summary>
public sealed class AgentStore(Db db, EventScope scope, MessageDecorators decorators)
{
    /// <summary>Writes the agent's message (streaming, or already final) and its agent_replies row; null when the conversation is gone.</summary>
    public async Task<MessageDto?> CreateAsync(ReplyJob job, UserRow agent, string content, AgentPayload payload, CancellationToken ct)
    {
        var created = await scope.TryWriteAsync(async batch =>
        {
            var (connection, tx) = (batch.Connection, batch.Transaction);
            var now = Clock.NowMs();
            var row = new MessageRow
            {
                Id = Guid.CreateVersion7().ToString(), ConversationId = job.ConversationId, SenderId = agent.Id, Type = MessageTypes.Text,
                Content = content, Payload = Json(payload), ReplyToId = job.TriggerMessageId, CreatedAt = now,
                SenderUsername = agent.Username, SenderName = agent.Name, SenderPicture = agent.ProfilePicture,
            };
            var appended = await MessageStore.AppendAsync(batch, row, null);
            if (!appended.Ok) return appended;
            await connection.ExecuteAsync(
                """
                INSERT INTO agent_replies (message_id, conversation_id, user_id, status, tokens, started_at, finished_at)
                VALUES (@Id, @ConversationId, @userId, @status, 0, @now, @finishedAt)
                """, new
                {
                    row.Id, row.ConversationId, userId = job.RequesterId, status = payload.Status, now,
                    finishedAt = payload.Streaming ? (long?)null : now
                }, tx);
            return appended;
        }, ct);
        return created.Ok ? created.Value : null;
    }

    /// <summary>Stores the text so far and appends its message:delta; false when the message was deleted meanwhile.</summary>
    public async Task<bool> AppendDeltaAsync(MessageDto message, string content, int offset, string text, CancellationToken ct)
    {
        return await scope.WriteAsync(async batch =>
        {
            var updated = await batch.Connection.ExecuteAsync("UPDATE messages SET content = @content WHERE id = @Id AND deleted_at IS NULL",
                new { content, message.Id }, batch.Transaction);
            if (updated == 0) return false;
            await batch.AppendAsync(AgentEvents.MessageDelta, message.ConversationId, null,
                new MessageDeltaEvent(message.ConversationId, message.Id, message.Seq, offset, text));
            return true;
        }, ct);
    }

    /// <summary>The final text and status, with message:updated; a deleted message stays deleted (only its reply row is closed).</summary>
    public async Task FinishAsync(string messageId, string content, AgentPayload payload, long tokens, CancellationToken ct)
    {
        await scope.WriteAsync(async batch =>
        {
            var (connection, tx) = (batch.Connection, batch.Transaction);
            var now = Clock.NowMs();
            await connection.ExecuteAsync(
                "UPDATE agent_replies SET status = @Status, tokens = @tokens, finished_at = @now WHERE message_id = @messageId",
                new { payload.Status, tokens, now, messageId }, tx);
            var updated = await connection.ExecuteAsync(
                "UPDATE messages SET content = @content, payload = @payload WHERE id = @messageId AND deleted_at IS NULL",
                new { content, payload = Json(payload), messageId }, tx);
            if (updated == 0 || await MessageStore.GetAsync(connection, tx, messageId) is not { } row) return 0;
            var markers = await MessageStore.LowestMarkersAsync(connection, tx, row.ConversationId);
            // The whole message, as any message:updated carries it: reactions made while it streamed stay on it.
            var dto = await decorators.ApplyAsync(connection, tx, MessageDto.From(row, null, markers.IsRead(row.Seq, row.SenderId)), null);
            await batch.AppendAsync(MessageEventTypes.MessageUpdated, row.ConversationId, null, new MessageEvent(row.ConversationId, dto));
            return updated;
        }, ct);
    }

    public async Task<long> TokensSinceAsync(string userId, long since, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        return await connection.ExecuteScalarAsync<long>(
            "SELECT CAST(COALESCE(SUM(tokens), 0) AS BIGINT) FROM agent_replies WHERE user_id = @userId AND started_at >= @since", new { userId, since });
    }

    /// <summary>The newest <paramref name="limit"/> messages up to <paramref name="uptoSeq"/>, oldest first, without deleted ones.</summary>
    public async Task<List<HistoryRow>> HistoryAsync(string conversationId, long uptoSeq, int limit, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        var rows = (await connection.QueryAsync<HistoryRow>(
            """
            SELECT x.seq, x.sender_id, u.username AS sender_username, x.type, x.content, r.status AS reply_status
            FROM messages x LEFT JOIN users u ON u.id = x.sender_id LEFT JOIN agent_replies r ON r.message_id = x.id
            WHERE x.conversation_id = @conversationId AND x.seq <= @uptoSeq AND x.seq > @uptoSeq - @window AND x.deleted_at IS NULL
            ORDER BY x.seq DESC
            """, new { conversationId, uptoSeq, window = (long)limit })).AsList();
        rows.Reverse();
        return rows;
    }

    public async Task<ReplyRow?> ReplyAsync(string messageId, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<ReplyRow>(
            "SELECT message_id, conversation_id, user_id, status, started_at FROM agent_replies WHERE message_id = @messageId", new { messageId });
    }

    /// <summary>Replies still marked streaming that started before <paramref name="cutoff"/>.</summary>
    public async Task<List<ReplyRow>> StreamingSinceBeforeAsync(long cutoff, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        return (await connection.QueryAsync<ReplyRow>(
            "SELECT message_id, conversation_id, user_id, status, started_at FROM agent_replies WHERE status = 'streaming' AND started_at < @cutoff",
            new { cutoff })).AsList();
    }

    public async Task<string?> ContentAsync(string messageId, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        return await connection.ExecuteScalarAsync<string?>("SELECT content FROM messages WHERE id = @messageId", new { messageId });
    }

    public async Task<bool> IsMemberAsync(string conversationId, string userId, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        return await connection.ExecuteScalarAsync<long>(
            """
            SELECT COUNT(*) FROM members m JOIN conversations c ON c.id = m.conversation_id
            WHERE m.conversation_id = @conversationId AND m.user_id = @userId AND c.deleted_at IS NULL
            """, new { conversationId, userId }) > 0;
    }

    private static string Json(AgentPayload payload) => JsonSerializer.Serialize(payload, JsonSetup.Default);
}
