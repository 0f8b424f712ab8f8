using System.Net;
using Parley.Server.Api;
using Parley.Server.Conversations;
using Parley.Server.Data;
using Parley.Server.Messages;
using Parley.Server.Uploads;
using Parley.Server.Users;

namespace Parley.Server.Search;

/// <summary>Full-text search over the messages of every conversation the caller is a member of.</summary>
public sealed class SearchService(Db db, UserStore users, Attachments attachments, MessageDecorators decorators)
{
    public async Task<Outcome<SearchPage>> SearchAsync(string callerId, SearchRequest request, CancellationToken ct)
    {
        var valid = request.Validate();
        if (!valid.Ok) return valid.Error!;
        var query = valid.Value!;
        // On SQLite the newest-first key is the FTS rowid, a number.
        if (db.IsSqlite && query.Cursor?.Key is { } key && !long.TryParse(key, out _))
            return Failure.Invalid("cursor", "cursor must be the nextCursor of a previous page with the same sort");

        await using var connection = await db.OpenAsync(ct);
        var rows = await SearchStore.FindAsync(connection, query, callerId);
        var escaped = SearchStore.SnippetsEscaped(connection);
        var hasMore = rows.Count > query.Limit;
        if (hasMore) rows.RemoveAt(rows.Count - 1);
        // Each hit's message as history shows it: its files (URLs signed for me) and reactions.
        var files = await attachments.ForMessagesAsync(connection, null, rows.Select(r => r.Row.Id), UrlScope.User(callerId));
        foreach (var (row, _) in rows) row.Attachments = files.GetValueOrDefault(row.Id);
        var messages = await decorators.ApplyAsync(connection, null, rows.Select(r => MessageDto.From(r.Row, r.Extras.DirectKey, read: false)).ToList(), callerId);

        var others = rows.Where(r => r.Extras.ConversationType == ConversationTypes.Direct)
            .Select(r => OtherSide(r.Extras.DirectKey, callerId)).OfType<string>().Distinct().ToList();
        var names = others.Count == 0 ? new Dictionary<string, UserRow>()
            : (await users.GetManyAsync(others, ct)).ToDictionary(u => u.Id);
        var hits = rows.Select((r, i) => new SearchHit(
            messages[i],
            Conversation(r.Row.ConversationId, r.Extras, OtherSide(r.Extras.DirectKey, callerId) is { } other ? names.GetValueOrDefault(other) : null),
            Highlight(r.Extras.Snippet, escaped, r.Row.Content))).ToList();

        string? next = null;
        if (hasMore)
            next = (query.Sort == SearchSorts.Relevance
                ? new SearchCursor(null, (query.Cursor?.Offset ?? 0) + query.Limit)
                : new SearchCursor(rows[^1].Extras.SearchKey, 0)).ToString();
        return new SearchPage(hits, hasMore, next);
    }

    private static SearchConversation Conversation(string id, SearchExtras e, UserRow? other) => other is null
        ? new(id, e.ConversationType, e.ConversationName, e.ConversationPicture)
        : new(id, e.ConversationType, e.ConversationName ?? (other.DeletedAt is null ? other.Name ?? other.Username : UserDto.DeletedName),
            e.ConversationPicture ?? (other.DeletedAt is null ? other.ProfilePicture : null));

    private static string? OtherSide(string? directKey, string me) =>
        directKey?.Split(':') is [var a, var b] ? (a == me ? b : a) : null;

    /// <summary>The database's snippet, HTML-escaped, with its match markers turned into &lt;mark&gt; elements.</summary>
    public static string Highlight(string? snippet, bool escaped, string? content)
    {
        var text = string.IsNullOrEmpty(snippet) ? WebUtility.HtmlEncode(content is { Length: > 200 } ? content[..200] + "…" : content ?? "")
            : escaped ? snippet : WebUtility.HtmlEncode(snippet);
        return text.Replace(SearchStore.MarkStart.ToString(), "<mark>").Replace(SearchStore.MarkEnd.ToString(), "</mark>");
    }
}
