using System.Data.Common;
using Dapper;
using Parley.Server.Messages;
using Parley.Server.Safety;

namespace Parley.Server.Threads;

/// <summary>The threads SQL; the same text serves SQLite and PostgreSQL.</summary>
public static class ThreadStore
{
    private const string ThreadColumns = "root_id, conversation_id, last_seq, reply_count, last_reply_at, participant_ids";

    /// <summary>
    /// The negative seq of a thread-only reply (see migration 031), under the conversation's row lock like any seq,
    /// and without touching last_seq or last_message_at: the timeline does not move. Null when the conversation is gone.
    /// </summary>
    public static Task<long?> AllocateHiddenSeqAsync(DbConnection connection, DbTransaction tx, string conversationId) =>
        connection.ExecuteScalarAsync<long?>(
            "UPDATE conversations SET last_thread_reply = last_thread_reply + 1 WHERE id = @conversationId AND deleted_at IS NULL RETURNING -last_thread_reply",
            new { conversationId }, tx);

    /// <summary>Counts one more reply to <paramref name="root"/> (creating its thread with the root's author as first participant).</summary>
    public static Task<ThreadRow> AddReplyAsync(DbConnection connection, DbTransaction tx, MessageRow root, long now) =>
        connection.QuerySingleAsync<ThreadRow>(
            $"""
            INSERT INTO threads (root_id, conversation_id, last_seq, reply_count, last_reply_at, participant_ids, created_at)
            VALUES (@rootId, @conversationId, 1, 1, @now, @authorId, @now)
            ON CONFLICT (root_id) DO UPDATE SET last_seq = threads.last_seq + 1, reply_count = threads.reply_count + 1, last_reply_at = @now
            RETURNING {ThreadColumns}
            """, new { rootId = root.Id, conversationId = root.ConversationId, authorId = root.SenderId, now }, tx);

    public static Task<ThreadRow?> ReplyDeletedAsync(DbConnection connection, DbTransaction tx, string rootId) =>
        connection.QuerySingleOrDefaultAsync<ThreadRow>(
            $"UPDATE threads SET reply_count = reply_count - 1 WHERE root_id = @rootId AND reply_count > 0 RETURNING {ThreadColumns}", new { rootId }, tx);

    public static Task<ThreadRow?> GetAsync(DbConnection connection, DbTransaction? tx, string rootId) =>
        connection.QuerySingleOrDefaultAsync<ThreadRow>($"SELECT {ThreadColumns} FROM threads WHERE root_id = @rootId", new { rootId }, tx);

    /// <summary>Makes <paramref name="userId"/> a participant having read up to <paramref name="readSeq"/>; true when they were not one before.</summary>
    public static async Task<bool> JoinAsync(DbConnection connection, DbTransaction tx, string rootId, string userId, long readSeq, long now)
    {
        var joined = await connection.ExecuteAsync(
            "INSERT INTO thread_members (root_id, user_id, last_read_seq, joined_at) VALUES (@rootId, @userId, @readSeq, @now) ON CONFLICT DO NOTHING",
            new { rootId, userId, readSeq, now }, tx) > 0;
        if (!joined && readSeq > 0) await MoveMarkerAsync(connection, tx, rootId, userId, readSeq);
        return joined;
    }

    /// <summary>Appends a new participant to the thread's list and returns the thread.</summary>
    public static Task<ThreadRow> AddParticipantAsync(DbConnection connection, DbTransaction tx, string rootId, string userId) =>
        connection.QuerySingleAsync<ThreadRow>(
            $"""
            UPDATE threads SET participant_ids = CASE WHEN participant_ids = '' THEN @userId ELSE participant_ids || ',' || @userId END
            WHERE root_id = @rootId RETURNING {ThreadColumns}
            """, new { rootId, userId }, tx);

    /// <summary>Moves a participant's thread marker forward only; true when it moved.</summary>
    public static async Task<bool> MoveMarkerAsync(DbConnection connection, DbTransaction tx, string rootId, string userId, long seq) =>
        await connection.ExecuteAsync(
            "UPDATE thread_members SET last_read_seq = @seq WHERE root_id = @rootId AND user_id = @userId AND last_read_seq < @seq",
            new { rootId, userId, seq }, tx) > 0;

    public static Task<long?> MarkerAsync(DbConnection connection, DbTransaction? tx, string rootId, string userId) =>
        connection.ExecuteScalarAsync<long?>("SELECT last_read_seq FROM thread_members WHERE root_id = @rootId AND user_id = @userId",
            new { rootId, userId }, tx);

    /// <summary>The participants other than <paramref name="exceptId"/> who are still members of the conversation.</summary>
    public static async Task<List<string>> MemberParticipantsAsync(DbConnection connection, DbTransaction tx, string rootId, string conversationId,
        string exceptId) =>
        (await connection.QueryAsync<string>(
            $"""
            SELECT tm.user_id FROM thread_members tm JOIN members m ON m.conversation_id = @conversationId AND m.user_id = tm.user_id
            WHERE tm.root_id = @rootId AND tm.user_id <> @exceptId AND {BlockList.NotBlocked("@exceptId", "tm.user_id")}
            """, new { rootId, conversationId, exceptId }, tx)).AsList();

    /// <summary>Replies not by <paramref name="userId"/> and not deleted, after <paramref name="afterSeq"/>.</summary>
    public static Task<long> CountUnreadAsync(DbConnection connection, DbTransaction? tx, string rootId, string userId, long afterSeq) =>
        connection.ExecuteScalarAsync<long>(
            $"SELECT COUNT(*) FROM messages x WHERE x.thread_id = @rootId AND x.thread_seq > @afterSeq AND x.sender_id <> @userId AND x.deleted_at IS NULL AND {BlockList.NotBlocked("x.sender_id")}",
            new { rootId, userId, afterSeq }, tx);

    /// <summary>Replies with fromExclusive &lt; threadSeq &lt;= toInclusive, ascending.</summary>
    public static async Task<List<MessageRow>> RangeAsync(DbConnection connection, string rootId, long fromExclusive, long toInclusive) =>
        toInclusive <= fromExclusive ? [] : (await connection.QueryAsync<MessageRow>(
            $"""
            SELECT {MessageStore.Columns} FROM messages x {MessageStore.Joins}
            WHERE x.thread_id = @rootId AND x.thread_seq > @fromExclusive AND x.thread_seq <= @toInclusive ORDER BY x.thread_seq
            """, new { rootId, fromExclusive, toInclusive })).AsList();

    /// <summary>My threads in conversations I am still in, newest activity first, with my marker and unread count in each.</summary>
    public static async Task<List<(MessageRow Root, long LastReadSeq, long Unread, string? DirectKey)>> MineAsync(DbConnection connection, string userId,
        int limit, long offset) =>
        (await connection.QueryAsync<MessageRow, MineExtras, (MessageRow, long, long, string?)>(
            $"""
            SELECT {MessageStore.Columns}, tm.last_read_seq AS my_last_read_seq,
                (SELECT COUNT(*) FROM messages r WHERE r.thread_id = tm.root_id AND r.thread_seq > tm.last_read_seq
                    AND r.sender_id <> @userId AND r.deleted_at IS NULL AND {BlockList.NotBlocked("r.sender_id")}) AS my_unread, c.direct_key
            FROM thread_members tm
            JOIN threads t ON t.root_id = tm.root_id
            JOIN members m ON m.conversation_id = t.conversation_id AND m.user_id = @userId
            JOIN conversations c ON c.id = t.conversation_id AND c.deleted_at IS NULL
            JOIN messages x ON x.id = tm.root_id
            LEFT JOIN users u ON u.id = x.sender_id
            WHERE tm.user_id = @userId
            ORDER BY t.last_reply_at DESC, t.root_id DESC
            LIMIT @limit OFFSET @offset
            """, (row, extras) => (row, extras.MyLastReadSeq, extras.MyUnread, extras.DirectKey), new { userId, limit, offset },
            splitOn: "my_last_read_seq")).AsList();

    private sealed class MineExtras
    {
        public long MyLastReadSeq { get; set; }
        public long MyUnread { get; set; }
        public string? DirectKey { get; set; }
    }
}
