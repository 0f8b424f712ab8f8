using System.Data.Common;
using Dapper;
using Parley.Server.Data;
using Parley.Server.Safety;

namespace Parley.Server.Conversations;

/// <summary>The conversations and members SQL; the same text serves SQLite and PostgreSQL.</summary>
public sealed class ConversationStore(Db db)
{
    private const string ConversationColumns =
        "c.id, c.type, c.name, c.description, c.picture, c.created_by, c.created_at, c.updated_at, c.last_seq, c.last_message_at, c.deleted_at, c.slow_mode_seconds";

    public const string MemberColumns = "m.conversation_id, m.user_id, m.role, m.joined_at, m.last_read_seq, m.last_read_at, m.muted, m.muted_until, m.timeout_until";

    public Db Db => db;

    /// <summary>
    /// The conversation and the caller's membership, or null when it does not exist for them. Inside a
    /// transaction on PostgreSQL it locks the conversation row until commit, so the changes to one
    /// conversation run one after another on every node (SQLite serialises all writes anyway).
    /// </summary>
    public async Task<(ConversationRow Conversation, MemberRow Member)?> GetForMemberAsync(
        DbConnection connection, DbTransaction? tx, string conversationId, string userId)
    {
        // Its own statement: under READ COMMITTED the read below then starts after the lock is granted and
        // sees what the previous holder committed ("SELECT ... FOR UPDATE OF c" would return stale members).
        if (tx is not null && !db.IsSqlite)
            await connection.ExecuteAsync("SELECT 1 FROM conversations WHERE id = @conversationId FOR UPDATE", new { conversationId }, tx);
        var row = await connection.QueryAsync<ConversationRow, MemberRow, (ConversationRow, MemberRow)>(
            $"""
            SELECT {ConversationColumns}, {MemberColumns}
            FROM conversations c JOIN members m ON m.conversation_id = c.id AND m.user_id = @userId
            WHERE c.id = @conversationId AND c.deleted_at IS NULL
            """,
            (c, m) => (c, m), new { conversationId, userId }, tx, splitOn: "conversation_id");
        return row.Select(r => ((ConversationRow, MemberRow)?)r).FirstOrDefault();
    }

    public async Task<(ConversationRow Conversation, MemberRow Member)?> GetForMemberAsync(string conversationId, string userId, CancellationToken ct = default)
    {
        await using var connection = await db.OpenAsync(ct);
        return await GetForMemberAsync(connection, null, conversationId, userId);
    }

    /// <summary>The direct conversation of a pair; holds the pair's lock until commit, so two nodes never create it twice.</summary>
    public static async Task<ConversationRow?> FindDirectAsync(DbConnection connection, DbTransaction tx, string directKey)
    {
        await Db.LockAsync(connection, tx, "direct:" + directKey);
        return await connection.QuerySingleOrDefaultAsync<ConversationRow>(
            $"SELECT {ConversationColumns} FROM conversations c WHERE c.direct_key = @directKey AND c.deleted_at IS NULL", new { directKey }, tx);
    }

    public static Task InsertAsync(DbConnection connection, DbTransaction tx, ConversationRow c, string? directKey) =>
        connection.ExecuteAsync(
            """
            INSERT INTO conversations (id, type, name, description, picture, direct_key, created_by, created_at, updated_at)
            VALUES (@Id, @Type, @Name, @Description, @Picture, @directKey, @CreatedBy, @CreatedAt, @UpdatedAt)
            """, new { c.Id, c.Type, c.Name, c.Description, c.Picture, directKey, c.CreatedBy, c.CreatedAt, c.UpdatedAt }, tx);

    /// <summary>Adds the members not already in; returns the ones added.</summary>
    public static async Task<List<MemberRow>> AddMembersAsync(DbConnection connection, DbTransaction tx, string conversationId,
        IEnumerable<(string UserId, string Role)> members, long now)
    {
        var added = new List<MemberRow>();
        foreach (var (userId, role) in members)
        {
            var inserted = await connection.ExecuteAsync(
                """
                INSERT INTO members (conversation_id, user_id, role, joined_at, last_read_seq)
                SELECT @conversationId, @userId, @role, @now, c.last_seq FROM conversations c WHERE c.id = @conversationId
                ON CONFLICT (conversation_id, user_id) DO NOTHING
                """, new { conversationId, userId, role, now }, tx);
            if (inserted > 0) added.Add(new MemberRow { ConversationId = conversationId, UserId = userId, Role = role, JoinedAt = now });
        }
        return added;
    }

    public static async Task<List<MemberRow>> MembersAsync(DbConnection connection, DbTransaction? tx, string conversationId) =>
        (await connection.QueryAsync<MemberRow>(
            $"SELECT {MemberColumns} FROM members m WHERE m.conversation_id = @conversationId ORDER BY m.joined_at, m.user_id",
            new { conversationId }, tx)).AsList();

    public static Task<int> RemoveMemberAsync(DbConnection connection, DbTransaction tx, string conversationId, string userId) =>
        connection.ExecuteAsync("DELETE FROM members WHERE conversation_id = @conversationId AND user_id = @userId", new { conversationId, userId }, tx);

    public static Task SetRoleAsync(DbConnection connection, DbTransaction tx, string conversationId, string userId, string role) =>
        connection.ExecuteAsync("UPDATE members SET role = @role WHERE conversation_id = @conversationId AND user_id = @userId",
            new { conversationId, userId, role }, tx);

    public static Task UpdateMetadataAsync(DbConnection connection, DbTransaction tx, ConversationRow c) =>
        connection.ExecuteAsync(
            "UPDATE conversations SET name = @Name, description = @Description, picture = @Picture, slow_mode_seconds = @SlowModeSeconds, updated_at = @UpdatedAt WHERE id = @Id",
            new { c.Name, c.Description, c.Picture, c.SlowModeSeconds, c.UpdatedAt, c.Id }, tx);

    /// <summary>Which of <paramref name="userIds"/> a ban keeps out of the conversation now.</summary>
    public static async Task<List<string>> BannedAmongAsync(DbConnection connection, DbTransaction tx, string conversationId, IReadOnlyList<string> userIds, long now) =>
        (await connection.QueryAsync<string>(
            $"SELECT user_id FROM conversation_bans WHERE conversation_id = @conversationId AND user_id {Db.In(connection, "userIds")} AND (until IS NULL OR until > @now)",
            new { conversationId, userIds = userIds.ToArray(), now }, tx)).AsList();

    public static Task SoftDeleteAsync(DbConnection connection, DbTransaction tx, string conversationId, long now) =>
        connection.ExecuteAsync("UPDATE conversations SET deleted_at = @now, updated_at = @now, direct_key = NULL WHERE id = @conversationId",
            new { conversationId, now }, tx);

    public static async Task<List<string>> ConversationIdsOfAsync(DbConnection connection, DbTransaction tx, string userId) =>
        (await connection.QueryAsync<string>(
            "SELECT m.conversation_id FROM members m JOIN conversations c ON c.id = m.conversation_id WHERE m.user_id = @userId AND c.deleted_at IS NULL",
            new { userId }, tx)).AsList();

    public async Task<(List<ConversationListRow> Rows, long Total)> ListAsync(string userId, string? type, int limit, long offset, CancellationToken ct)
    {
        const string from = """
            FROM members m JOIN conversations c ON c.id = m.conversation_id
            WHERE m.user_id = @userId AND c.deleted_at IS NULL AND (@type IS NULL OR c.type = @type)
            """;
        await using var connection = await db.OpenAsync(ct);
        var total = await connection.ExecuteScalarAsync<long>($"SELECT COUNT(*) {from}", new { userId, type });
        var rows = await connection.QueryAsync<ConversationListRow>(
            $"""
            SELECT c.id, c.type, c.name, c.description, c.picture, c.created_by, c.created_at, c.updated_at, c.last_seq, c.last_message_at,
                m.role AS my_role, m.last_read_seq AS my_last_read_seq, c.slow_mode_seconds, m.muted, m.muted_until,
                (SELECT COUNT(*) FROM messages x WHERE x.conversation_id = c.id AND x.seq > m.last_read_seq
                    AND x.sender_id <> @userId AND x.deleted_at IS NULL AND {BlockList.NotBlocked("x.sender_id")}) AS unread_count,
                (SELECT COUNT(*) FROM members mm WHERE mm.conversation_id = c.id) AS member_count,
                lm.id AS lm_id, lm.sender_id AS lm_sender_id, lm.type AS lm_type, lm.content AS lm_content,
                lm.created_at AS lm_created_at, lm.deleted_at AS lm_deleted_at
            {from.Replace("FROM members m JOIN conversations c ON c.id = m.conversation_id",
                "FROM members m JOIN conversations c ON c.id = m.conversation_id LEFT JOIN messages lm ON lm.conversation_id = c.id AND lm.seq = c.last_seq")}
            ORDER BY COALESCE(c.last_message_at, c.created_at) DESC, c.id DESC
            LIMIT @limit OFFSET @offset
            """, new { userId, type, limit, offset });
        return (rows.AsList(), total);
    }

    /// <summary>Up to <paramref name="perConversation"/> members of each conversation, owners and admins first.</summary>
    public async Task<List<MemberRow>> MembersOfAsync(IReadOnlyCollection<string> conversationIds, int perConversation, CancellationToken ct)
    {
        if (conversationIds.Count == 0) return [];
        await using var connection = await db.OpenAsync(ct);
        return (await connection.QueryAsync<MemberRow>(
            $"""
            SELECT conversation_id, user_id, role, joined_at, last_read_seq, last_read_at FROM (
                SELECT m.*, ROW_NUMBER() OVER (PARTITION BY m.conversation_id
                    ORDER BY CASE m.role WHEN 'OWNER' THEN 0 WHEN 'ADMIN' THEN 1 ELSE 2 END, m.joined_at, m.user_id) AS rn
                FROM members m WHERE m.conversation_id {db.In("conversationIds")}) ranked
            WHERE rn <= @perConversation
            """, new { conversationIds = conversationIds.ToArray(), perConversation })).AsList();
    }
}
