using System.Data.Common;
using Dapper;
using Npgsql;
using Parley.Server.Messages;
using Parley.Server.Safety;

namespace Parley.Server.Search;

/// <summary>
/// The search SQL, one statement per dialect behind the same filters: SQLite walks the FTS5 index (migrations 030, 100)
/// newest rowid first and stops at the page's end; PostgreSQL matches the GIN-indexed tsvector. Only messages of
/// live conversations the caller is still a member of, neither deleted nor written by the server, are found.
/// </summary>
public static class SearchStore
{
    /// <summary>PostgreSQL's snippets come HTML-escaped already (see <see cref="Postgres"/>); SQLite's do not.</summary>
    public static bool SnippetsEscaped(DbConnection connection) => connection is NpgsqlConnection;

    /// <summary>Around each match in a snippet: private-use characters no text contains, turned into &lt;mark&gt; after escaping.</summary>
    public const char MarkStart = '\uE000';
    public const char MarkEnd = '\uE001';

    private const string Extras = "c.type AS conversation_type, c.name AS conversation_name, c.picture AS conversation_picture, c.direct_key";

    private static string Joins(string join) => $"""
        {join} members m ON m.conversation_id = x.conversation_id AND m.user_id = @me
        {join} conversations c ON c.id = x.conversation_id
        {MessageStore.Joins}
        """;

    public static async Task<List<(MessageRow Row, SearchExtras Extras)>> FindAsync(DbConnection connection, SearchQuery q, string me)
    {
        var args = new DynamicParameters(new { me, take = q.Limit + 1, offset = q.Cursor?.Offset ?? 0 });
        if (connection is not NpgsqlConnection && q.Sort == SearchSorts.Relevance) return await SqliteRelevanceAsync(connection, q, args, me);
        var sql = connection is NpgsqlConnection ? Postgres(q, args) : Sqlite(q, args);
        var rows = await connection.QueryAsync<MessageRow, SearchExtras, (MessageRow, SearchExtras)>(sql, (row, extras) => (row, extras), args,
            splitOn: "search_key");
        return rows.AsList();
    }

    /// <summary>Relevance ranks the newest this many matches (as chat search does), so a common word costs no more than a rare one.</summary>
    public const int RelevanceWindow = 1000;

    private static readonly string SqliteSelect = $"""
        SELECT {MessageStore.Columns}, CAST(x.rowid AS TEXT) AS search_key, {Extras},
            snippet(messages_fts, 0, char({(int)MarkStart}), char({(int)MarkEnd}), '…', 24) AS snippet
        """;

    // CROSS JOIN keeps the FTS index as the outer loop: newest first is then its own rowid order, no sort.
    private static string SqliteMatches(SearchQuery q, DynamicParameters args, string joins)
    {
        args.Add("match", SqliteMatch(q));
        return $"""
            FROM messages_fts CROSS JOIN messages x ON x.rowid = messages_fts.rowid
            {joins}
            WHERE messages_fts MATCH @match {Filters(q, args)}
            """;
    }

    private static string Sqlite(SearchQuery q, DynamicParameters args)
    {
        if (q.Cursor?.Key is { } key) args.Add("key", long.Parse(key, System.Globalization.CultureInfo.InvariantCulture));
        return $"""
            {SqliteSelect} {SqliteMatches(q, args, Joins("CROSS JOIN"))} {(q.Cursor?.Key is null ? "" : "AND messages_fts.rowid < @key")}
            ORDER BY messages_fts.rowid DESC LIMIT @take
            """;
    }

    /// <summary>
    /// Relevance on SQLite: the newest <see cref="RelevanceWindow"/> matches with their text, ranked here (<see cref="Relevance"/>),
    /// then the page's rows looked up again, each with its snippet.
    /// </summary>
    private static async Task<List<(MessageRow Row, SearchExtras Extras)>> SqliteRelevanceAsync(DbConnection connection, SearchQuery q, DynamicParameters args,
        string me)
    {
        var window = await connection.QueryAsync<(long Id, string? Content)>($"""
            SELECT messages_fts.rowid, x.content
            {SqliteMatches(q, args, $"CROSS JOIN members m ON m.conversation_id = x.conversation_id AND m.user_id = @me CROSS JOIN conversations c ON c.id = x.conversation_id")}
            ORDER BY messages_fts.rowid DESC LIMIT {RelevanceWindow}
            """, args);
        var page = Relevance.Rank(window.AsList(), q.Terms).Skip(q.Cursor?.Offset ?? 0).Take(q.Limit + 1).ToArray();
        if (page.Length == 0) return [];
        var rows = await connection.QueryAsync<MessageRow, SearchExtras, (MessageRow, SearchExtras)>($"""
            WITH page AS MATERIALIZED (SELECT CAST(value AS INTEGER) AS id, key AS rank FROM json_each(@ids))
            {SqliteSelect}
            FROM page CROSS JOIN messages_fts ON messages_fts.rowid = page.id CROSS JOIN messages x ON x.rowid = page.id
            {Joins("CROSS JOIN")}
            WHERE messages_fts MATCH @match
            ORDER BY page.rank
            """, (row, extras) => (row, extras), new { me, match = SqliteMatch(q), ids = "[" + string.Join(",", page) + "]" },
            splitOn: "search_key");
        return rows.AsList();
    }

    /// <summary>
    /// The words, in the text column only; with a conversation filter also that conversation's token (migration 100), so
    /// FTS5 intersects the two doclists itself. The SQL filter on conversation_id stays: the token narrows, it does not decide.
    /// </summary>
    public static string SqliteMatch(SearchQuery q)
    {
        var words = $"content : ({SearchTerms.ToFts5(q.Terms)})";
        var token = q.ConversationId?.Replace("-", "", StringComparison.Ordinal);
        if (token is null || !token.Any(char.IsAsciiLetterOrDigit)) return words;
        return $"search_conversation : \"{token.Replace("\"", "\"\"", StringComparison.Ordinal)}\" AND {words}";
    }

    private static string Postgres(SearchQuery q, DynamicParameters args)
    {
        args.Add("match", SearchTerms.ToTsQuery(q.Terms));
        args.Add("headline", $"StartSel={MarkStart}, StopSel={MarkEnd}, MaxWords=24, MinWords=10, MaxFragments=2, FragmentDelimiter=\" … \"");
        if (q.Cursor?.Key is { } key) args.Add("key", key);
        var rank = q.Sort == SearchSorts.Relevance ? ", ts_rank(x.search_vector, to_tsquery('simple', @match)) AS search_rank" : "";
        var matches = $"""
            SELECT {MessageStore.Columns}, x.id AS search_key, {Extras}{rank}
            FROM messages x
            {Joins("JOIN")}
            WHERE x.search_vector @@ to_tsquery('simple', @match) {Filters(q, args)}
            """;
        var page = q.Sort == SearchSorts.Newest
            ? $"{matches} {(q.Cursor?.Key is null ? "" : "AND x.id < @key")} ORDER BY x.id DESC LIMIT @take"
            : $"""
              SELECT r.* FROM ({matches} ORDER BY x.id DESC LIMIT {RelevanceWindow}) r
              ORDER BY search_rank DESC, r.search_key DESC LIMIT @take OFFSET @offset
              """;
        var order = q.Sort == SearchSorts.Newest ? "s.search_key DESC" : "s.search_rank DESC, s.search_key DESC";
        // The headline is worked out only for the page's rows, after the inner query has picked them. ts_headline drops
        // anything that looks like a tag, so the text is HTML-escaped before it (entities come through untouched).
        return $"""
            SELECT s.*, ts_headline('simple', replace(replace(replace(coalesce(s.content, ''), '&', '&amp;'), '<', '&lt;'), '>', '&gt;'),
                to_tsquery('simple', @match), @headline) AS snippet
            FROM ({page}) s
            ORDER BY {order}
            """;
    }

    private static string Filters(SearchQuery q, DynamicParameters args)
    {
        var sql = new List<string> { "c.deleted_at IS NULL", "x.deleted_at IS NULL", "x.type <> 'system'", BlockList.NotBlocked("x.sender_id", "@me") };
        void Add(string condition, string name, object? value)
        {
            sql.Add(condition);
            args.Add(name, value);
        }
        if (q.ConversationId is not null) Add("x.conversation_id = @conversationId", "conversationId", q.ConversationId);
        if (q.SenderId is not null) Add("x.sender_id = @senderId", "senderId", q.SenderId);
        if (q.Before is not null) Add("x.created_at < @before", "before", q.Before);
        if (q.After is not null) Add("x.created_at > @after", "after", q.After);
        if (q.Type is not null) Add("x.type = @type", "type", q.Type);
        // A file: a fileUrl (the seeds' way) or an attachment (an upload sent with it).
        const string file = "(x.file_url IS NOT NULL OR EXISTS (SELECT 1 FROM uploads up WHERE up.message_id = x.id))";
        if (q.HasFile is { } hasFile) sql.Add(hasFile ? file : "NOT " + file);
        return "AND " + string.Join(" AND ", sql);
    }
}
