using System.Data.Common;
using Dapper;
using Npgsql;
using Parley.Server.Messages;

namespace Parley.Server.Search;

/// <summary>
/// The search SQL, one statement per dialect behind the same filters: SQLite walks the FTS5 index (migration 030)
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
        LEFT JOIN users u ON u.id = x.sender_id
        """;

    public static async Task<List<(MessageRow Row, SearchExtras Extras)>> FindAsync(DbConnection connection, SearchQuery q, string me)
    {
        var args = new DynamicParameters(new { me, take = q.Limit + 1, offset = q.Cursor?.Offset ?? 0 });
        var sql = connection is NpgsqlConnection ? Postgres(q, args) : Sqlite(q, args);
        var rows = await connection.QueryAsync<MessageRow, SearchExtras, (MessageRow, SearchExtras)>(sql, (row, extras) => (row, extras), args,
            splitOn: "search_key");
        return rows.AsList();
    }

    private static string Sqlite(SearchQuery q, DynamicParameters args)
    {
        args.Add("match", SearchTerms.ToFts5(q.Terms));
        if (q.Cursor?.Key is { } key) args.Add("key", long.Parse(key, System.Globalization.CultureInfo.InvariantCulture));
        var order = q.Sort == SearchSorts.Relevance ? "ORDER BY messages_fts.rank, x.rowid DESC LIMIT @take OFFSET @offset" : "ORDER BY messages_fts.rowid DESC LIMIT @take";
        // CROSS JOIN keeps the FTS index as the outer loop: newest first is then its own rowid order, no sort.
        return $"""
            SELECT {MessageStore.Columns}, CAST(x.rowid AS TEXT) AS search_key, {Extras},
                snippet(messages_fts, 0, char({(int)MarkStart}), char({(int)MarkEnd}), '…', 24) AS snippet
            FROM messages_fts CROSS JOIN messages x ON x.rowid = messages_fts.rowid
            {Joins("CROSS JOIN")}
            WHERE messages_fts MATCH @match {Filters(q, args)} {(q.Cursor?.Key is null ? "" : "AND messages_fts.rowid < @key")}
            {order}
            """;
    }

    private static string Postgres(SearchQuery q, DynamicParameters args)
    {
        args.Add("match", SearchTerms.ToTsQuery(q.Terms));
        args.Add("headline", $"StartSel={MarkStart}, StopSel={MarkEnd}, MaxWords=24, MinWords=10, MaxFragments=2, FragmentDelimiter=\" … \"");
        if (q.Cursor?.Key is { } key) args.Add("key", key);
        var relevance = q.Sort == SearchSorts.Relevance;
        var rank = relevance ? ", ts_rank(x.search_vector, to_tsquery('simple', @match)) AS search_rank" : "";
        var (inner, outer) = relevance
            ? ("ORDER BY search_rank DESC, x.id DESC LIMIT @take OFFSET @offset", "ORDER BY s.search_rank DESC, s.search_key DESC")
            : ("ORDER BY x.id DESC LIMIT @take", "ORDER BY s.search_key DESC");
        // The headline is worked out only for the page's rows, after the inner query has picked them. ts_headline drops
        // anything that looks like a tag, so the text is HTML-escaped before it (entities come through untouched).
        return $"""
            SELECT s.*, ts_headline('simple', replace(replace(replace(coalesce(s.content, ''), '&', '&amp;'), '<', '&lt;'), '>', '&gt;'),
                to_tsquery('simple', @match), @headline) AS snippet FROM (
                SELECT {MessageStore.Columns}, x.id AS search_key, {Extras}{rank}
                FROM messages x
                {Joins("JOIN")}
                WHERE x.search_vector @@ to_tsquery('simple', @match) {Filters(q, args)} {(q.Cursor?.Key is null ? "" : "AND x.id < @key")}
                {inner}
            ) s
            {outer}
            """;
    }

    private static string Filters(SearchQuery q, DynamicParameters args)
    {
        var sql = new List<string> { "c.deleted_at IS NULL", "x.deleted_at IS NULL", "x.type <> 'system'" };
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
        if (q.HasFile is { } hasFile) sql.Add(hasFile ? "x.file_url IS NOT NULL" : "x.file_url IS NULL");
        return "AND " + string.Join(" AND ", sql);
    }
}
