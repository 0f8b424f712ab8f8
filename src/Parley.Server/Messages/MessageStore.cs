using System.Data.Common;
using Dapper;
using Parley.Server.Api;
using Parley.Server.Data;
using Parley.Server.Events;
using Parley.Server.Safety;

namespace Parley.Server.Messages;

/// <summary>What a message operation needs to know about the conversation and the caller, in one query.</summary>
public sealed class MessageAccess
{
    public string Id { get; set; } = "";
    public string Type { get; set; } = "";
    public string? DirectKey { get; set; }
    public long LastSeq { get; set; }
    public string MyRole { get; set; } = "";
    public long MyLastReadSeq { get; set; }
    public long? MyLastReadAt { get; set; }
    /// <summary>Counted for direct conversations only (to notice a side that left); 0 otherwise.</summary>
    public long DirectMemberCount { get; set; }
    public string MyUsername { get; set; } = "";
    public string? MyName { get; set; }
    public string? MyPicture { get; set; }
    public string? MyEmail { get; set; }
    public int SlowModeSeconds { get; set; }
    public long? MyTimeoutUntil { get; set; }
    public long? MyLastPostAt { get; set; }
}

/// <summary>
/// The messages SQL; the same text serves SQLite and PostgreSQL. Every read goes through the
/// (conversation_id, seq) unique index or a primary key; nothing pages with OFFSET.
/// </summary>
public static class MessageStore
{
    /// <summary>The columns of a <see cref="MessageRow"/>, from messages x and its <see cref="Joins"/>.</summary>
    public const string Columns = """
        x.id, x.conversation_id, x.seq, x.sender_id, x.type, x.content, x.file_url, x.payload, x.client_message_id, x.reply_to_id,
            x.created_at, x.edited_at, x.deleted_at, x.deleted_by, x.preview,
            u.username AS sender_username, u.name AS sender_name, u.profile_picture AS sender_picture, u.email AS sender_email, u.deleted_at AS sender_deleted_at,
            x.thread_id, x.thread_seq, t.reply_count AS thread_reply_count, t.last_reply_at AS thread_last_reply_at, t.participant_ids AS thread_participant_ids
        """;

    /// <summary>What <see cref="Columns"/> reads from besides messages x.</summary>
    public const string Joins = "LEFT JOIN users u ON u.id = x.sender_id LEFT JOIN threads t ON t.root_id = x.id";

    public const string Select = $"SELECT {Columns} FROM messages x {Joins}";

    /// <summary>A failure that rolls the send back: this sender already used this clientMessageId here.</summary>
    public static readonly Failure Duplicate = Failure.Conflict("Duplicate clientMessageId");

    private const string AccessSql = """
        SELECT c.id, c.type, c.direct_key, c.last_seq, m.role AS my_role, m.last_read_seq AS my_last_read_seq, m.last_read_at AS my_last_read_at,
            CASE WHEN c.type = 'direct' THEN (SELECT COUNT(*) FROM members d WHERE d.conversation_id = c.id) ELSE 0 END AS direct_member_count,
            u.username AS my_username, u.name AS my_name, u.profile_picture AS my_picture, u.email AS my_email,
            c.slow_mode_seconds, m.timeout_until AS my_timeout_until, m.last_post_at AS my_last_post_at
        FROM conversations c JOIN members m ON m.conversation_id = c.id AND m.user_id = @userId JOIN users u ON u.id = m.user_id
        WHERE c.id = @conversationId AND c.deleted_at IS NULL
        """;

    public static async Task<MessageAccess?> AccessAsync(DbConnection connection, DbTransaction? tx, string conversationId, string userId)
    {
        await using var statement = Statement.Of(connection, tx, AccessSql).With("@conversationId", conversationId).With("@userId", userId);
        return await statement.FirstOrDefaultAsync<MessageAccess>();
    }

    public static Task<MessageRow?> GetAsync(DbConnection connection, DbTransaction? tx, string messageId) =>
        connection.QuerySingleOrDefaultAsync<MessageRow>($"{Select} WHERE x.id = @messageId", new { messageId }, tx);

    public static Task<MessageRow?> FindByClientIdAsync(DbConnection connection, DbTransaction? tx, string conversationId, string senderId, string clientMessageId) =>
        connection.QuerySingleOrDefaultAsync<MessageRow>(
            $"{Select} WHERE x.conversation_id = @conversationId AND x.sender_id = @senderId AND x.client_message_id = @clientMessageId",
            new { conversationId, senderId, clientMessageId }, tx);

    public static Task<string?> IdAtSeqAsync(DbConnection connection, DbTransaction? tx, string conversationId, long seq) =>
        connection.ExecuteScalarAsync<string?>("SELECT id FROM messages WHERE conversation_id = @conversationId AND seq = @seq", new { conversationId, seq }, tx);

    public static async Task<bool> ExistsInAsync(DbConnection connection, DbTransaction? tx, string messageId, string conversationId) =>
        await connection.ExecuteScalarAsync<long>(
            "SELECT COUNT(*) FROM messages WHERE id = @messageId AND conversation_id = @conversationId", new { messageId, conversationId }, tx) > 0;

    /// <summary>Messages with fromExclusive &lt; seq &lt;= toInclusive, ascending: a range scan of the seq index.</summary>
    public static async Task<List<MessageRow>> RangeAsync(DbConnection connection, string conversationId, long fromExclusive, long toInclusive) =>
        toInclusive <= fromExclusive ? [] : (await connection.QueryAsync<MessageRow>(
            $"{Select} WHERE x.conversation_id = @conversationId AND x.seq > @fromExclusive AND x.seq <= @toInclusive ORDER BY x.seq",
            new { conversationId, fromExclusive, toInclusive })).AsList();

    /// <summary>
    /// Allocates the next seq under the conversation's row lock (PostgreSQL) or the single writer (SQLite):
    /// seqs stay gap-free because a rolled-back send rolls this back too. Null when the conversation is gone.
    /// </summary>
    public static async Task<long?> AllocateSeqAsync(DbConnection connection, DbTransaction tx, string conversationId, long now)
    {
        await using var statement = Statement.Of(connection, tx,
            "UPDATE conversations SET last_seq = last_seq + 1, last_message_at = @now WHERE id = @conversationId AND deleted_at IS NULL RETURNING last_seq");
        return await statement.With("@conversationId", conversationId).With("@now", now).ScalarAsync<long?>();
    }

    /// <summary>Inserts the row; false when its clientMessageId was already used by that sender in that conversation.</summary>
    public static async Task<bool> InsertAsync(DbConnection connection, DbTransaction tx, MessageRow r)
    {
        await using var statement = Statement.Of(connection, tx,
            """
            INSERT INTO messages (id, conversation_id, seq, sender_id, type, content, file_url, payload, client_message_id, reply_to_id, created_at,
                thread_id, thread_seq)
            VALUES (@id, @conversationId, @seq, @senderId, @type, @content, @fileUrl, @payload, @clientMessageId, @replyToId, @createdAt,
                @threadId, @threadSeq)
            ON CONFLICT DO NOTHING
            """);
        var inserted = await statement.With("@id", r.Id).With("@conversationId", r.ConversationId).With("@seq", r.Seq).With("@senderId", r.SenderId)
            .With("@type", r.Type).With("@content", r.Content).With("@fileUrl", r.FileUrl).With("@payload", r.Payload)
            .With("@clientMessageId", r.ClientMessageId).With("@replyToId", r.ReplyToId).With("@createdAt", r.CreatedAt)
            .With("@threadId", r.ThreadId).With("@threadSeq", r.ThreadSeq).ExecuteAsync() > 0;
        if (inserted) await MessageSearchIndex.AddAsync(connection, tx, r.Content);
        return inserted;
    }

    /// <summary>Moves a read marker forward only; true when it moved.</summary>
    public static async Task<bool> MoveMarkerAsync(DbConnection connection, DbTransaction tx, string conversationId, string userId, long seq, long now)
    {
        await using var statement = Statement.Of(connection, tx,
            "UPDATE members SET last_read_seq = @seq, last_read_at = @now WHERE conversation_id = @conversationId AND user_id = @userId AND last_read_seq < @seq");
        return await statement.With("@conversationId", conversationId).With("@userId", userId).With("@seq", seq).With("@now", now).ExecuteAsync() > 0;
    }

    public static async Task<bool> EditAsync(DbConnection connection, DbTransaction tx, string messageId, string content, long now) =>
        await connection.ExecuteAsync("UPDATE messages SET content = @content, edited_at = @now WHERE id = @messageId AND deleted_at IS NULL",
            new { messageId, content, now }, tx) > 0;

    /// <summary>Soft delete: the row keeps its seq; what it said is erased.</summary>
    public static async Task<bool> SoftDeleteAsync(DbConnection connection, DbTransaction tx, string messageId, string deletedBy, long now) =>
        await connection.ExecuteAsync(
            "UPDATE messages SET content = NULL, file_url = NULL, payload = NULL, deleted_at = @now, deleted_by = @deletedBy WHERE id = @messageId AND deleted_at IS NULL",
            new { messageId, deletedBy, now }, tx) > 0;

    /// <summary>The two lowest read markers: enough to tell, for any sender, whether every other member has read a seq.</summary>
    public static async Task<ReadMarkers> LowestMarkersAsync(DbConnection connection, DbTransaction? tx, string conversationId) =>
        new((await connection.QueryAsync<(string UserId, long LastReadSeq)>(
            "SELECT user_id, last_read_seq FROM members WHERE conversation_id = @conversationId ORDER BY last_read_seq, user_id LIMIT 2",
            new { conversationId }, tx)).AsList());

    public static async Task<List<SeenBy>> SeenByAsync(DbConnection connection, DbTransaction? tx, string conversationId, long seq, string senderId, int limit) =>
        (await connection.QueryAsync<(string UserId, long? LastReadAt)>(
            """
            SELECT user_id, last_read_at FROM members
            WHERE conversation_id = @conversationId AND last_read_seq >= @seq AND user_id <> @senderId
            ORDER BY last_read_at, user_id LIMIT @limit
            """, new { conversationId, seq, senderId, limit }, tx))
        .Select(r => new SeenBy(r.UserId, Data.Clock.ToTime(r.LastReadAt), Data.Clock.ToTime(r.LastReadAt))).ToList();

    /// <summary>Unread for <paramref name="userId"/> in (afterSeq, uptoSeq]: not sent by them nor by anyone they blocked, not deleted.</summary>
    public static Task<long> CountUnreadAsync(DbConnection connection, DbTransaction? tx, string conversationId, string userId, long afterSeq, long uptoSeq) =>
        uptoSeq <= afterSeq ? Task.FromResult(0L) : connection.ExecuteScalarAsync<long>(
            $"""
            SELECT COUNT(*) FROM messages x
            WHERE x.conversation_id = @conversationId AND x.seq > @afterSeq AND x.seq <= @uptoSeq AND x.sender_id <> @userId AND x.deleted_at IS NULL
                AND {BlockList.NotBlocked("x.sender_id")}
            """, new { conversationId, userId, afterSeq, uptoSeq }, tx);

    /// <summary>Per conversation with anything after my marker: my unread count (conversations with none are left out).</summary>
    public static async Task<List<ConversationUnread>> UnreadByConversationAsync(DbConnection connection, string userId) =>
        (await connection.QueryAsync<(string ConversationId, long Count)>(
            $"""
            SELECT m.conversation_id,
                (SELECT COUNT(*) FROM messages x WHERE x.conversation_id = m.conversation_id AND x.seq > m.last_read_seq
                    AND x.sender_id <> @userId AND x.deleted_at IS NULL AND {BlockList.NotBlocked("x.sender_id")}) AS unread
            FROM members m JOIN conversations c ON c.id = m.conversation_id
            WHERE m.user_id = @userId AND c.deleted_at IS NULL AND c.last_seq > m.last_read_seq
            """, new { userId })).Where(r => r.Count > 0).Select(r => new ConversationUnread(r.ConversationId, r.Count)).ToList();

    /// <summary>Members of the conversation among the given usernames (lower-cased keys), other than <paramref name="exceptId"/>.</summary>
    public static async Task<List<string>> MemberIdsByUsernameAsync(DbConnection connection, DbTransaction tx, string conversationId,
        IReadOnlyCollection<string> keys, string exceptId)
    {
        var args = new DynamicParameters(new { conversationId, exceptId });
        return (await connection.QueryAsync<string>(
            $"""
            SELECT u.id FROM members m JOIN users u ON u.id = m.user_id
            WHERE m.conversation_id = @conversationId AND u.username_key IN {InList("k", keys, args)} AND u.id <> @exceptId AND u.deleted_at IS NULL
                AND {BlockList.NotBlocked("@exceptId", "u.id")}
            """, args, tx)).AsList();
    }

    /// <summary>
    /// "(@k0, @k1, …)" with the values added to <paramref name="args"/>. Dapper's own <c>IN @list</c> expansion is
    /// skipped for Npgsql (it sends an array, and <c>IN $1</c> is a syntax error there), so lists are expanded here.
    /// </summary>
    public static string InList(string prefix, IEnumerable<string> values, DynamicParameters args)
    {
        var names = new List<string>();
        foreach (var value in values)
        {
            var name = prefix + names.Count;
            args.Add(name, value);
            names.Add("@" + name);
        }
        return names.Count == 0 ? "(NULL)" : "(" + string.Join(", ", names) + ")";
    }

    /// <summary>
    /// The one way a message is written (sends and system messages alike): allocate the seq, insert, count it
    /// as read by its sender, append message:new. Fails with <see cref="Duplicate"/> (the caller rolls back)
    /// when the clientMessageId was used before.
    /// </summary>
    public static async Task<Outcome<MessageDto>> AppendAsync(EventBatch batch, MessageRow row, string? directKey)
    {
        var (connection, tx) = (batch.Connection, batch.Transaction);
        if (await AllocateSeqAsync(connection, tx, row.ConversationId, row.CreatedAt) is not { } seq) return Failure.ConversationNotFound;
        row.Seq = seq;
        return await StoreAsync(batch, row, directKey);
    }

    /// <summary>
    /// Whose doing a message event is (the event's user id): its sender, so fan-out and resume leave it out for whoever
    /// blocked them. System messages belong to nobody: everyone sees them.
    /// </summary>
    public static string? ActorOf(MessageRow row) => row.Type == MessageTypes.System ? null : row.SenderId;

    /// <summary><see cref="AppendAsync"/> for a row whose seq is already allocated (thread replies allocate their own).</summary>
    public static async Task<Outcome<MessageDto>> StoreAsync(EventBatch batch, MessageRow row, string? directKey)
    {
        var (connection, tx) = (batch.Connection, batch.Transaction);
        if (!await InsertAsync(connection, tx, row)) return Duplicate;
        if (row.Seq > 0) await MoveMarkerAsync(connection, tx, row.ConversationId, row.SenderId, row.Seq, row.CreatedAt);
        var dto = MessageDto.From(row, directKey, read: false);
        await batch.AppendAsync(MessageEventTypes.MessageNew, row.ConversationId, ActorOf(row), new MessageEvent(row.ConversationId, dto));
        return dto;
    }
}

/// <summary>The two lowest read markers of a conversation.</summary>
public sealed record ReadMarkers(List<(string UserId, long LastReadSeq)> Lowest)
{
    /// <summary>Every member but the sender has a marker at or past <paramref name="seq"/> (false when nobody else is there).</summary>
    public bool IsRead(long seq, string senderId)
    {
        var others = Lowest.Where(m => m.UserId != senderId).ToList();
        return others.Count > 0 && others[0].LastReadSeq >= seq;
    }
}
