using System.Globalization;
using System.Text;
using Parley.Server.Api;
using Parley.Server.Messages;

namespace Parley.Server.Search;

public static class SearchSorts
{
    public const string Newest = "newest";
    public const string Relevance = "relevance";
}

/// <summary>GET /api/search/messages as sent: every filter a raw string, checked by <see cref="Validate"/>.</summary>
public sealed record SearchRequest(string? Q, string? ConversationId = null, string? From = null, string? Before = null, string? After = null,
    string? Type = null, string? HasFile = null, string? Sort = null, string? Cursor = null, string? Limit = null)
{
    public const int MaxQueryLength = 200;
    public const int MaxTerms = 12;
    public const int DefaultLimit = 20;
    public const int MaxLimit = 50;

    public static SearchRequest Of(IQueryCollection query)
    {
        string? Read(string name) => query[name].ToString() is { Length: > 0 } value ? value : null;
        return new SearchRequest(Read("q") ?? Read("query"), Read("conversationId") ?? Read("conversation_id"), Read("from") ?? Read("senderId"),
            Read("before"), Read("after"), Read("type"), Read("hasFile") ?? Read("has_file"), Read("sort"), Read("cursor"), Read("limit"));
    }

    public Outcome<SearchQuery> Validate()
    {
        var v = new Validator();
        var terms = SearchTerms.Of(Q ?? "");
        if (string.IsNullOrWhiteSpace(Q)) v.Add("q", "q is required");
        else if (Q.Length > MaxQueryLength) v.Add("q", $"q must be at most {MaxQueryLength} characters");
        else if (terms.Count == 0) v.Add("q", "q must contain a letter or a digit");
        var before = Timestamp(Before, "before", v);
        var after = Timestamp(After, "after", v);
        string? type = null;
        if (Type is not null)
        {
            type = Type.Trim().Equals(MessageTypes.System, StringComparison.OrdinalIgnoreCase) ? null : MessageTypes.Normalize(Type);
            v.Check(type is not null, "type", "type must be one of " + string.Join(", ", MessageTypes.ClientTypes));
        }
        bool? hasFile = null;
        if (HasFile is not null)
        {
            if (bool.TryParse(HasFile, out var flag)) hasFile = flag;
            else v.Add("hasFile", "hasFile must be true or false");
        }
        var sort = (Sort ?? SearchSorts.Newest).Trim().ToLowerInvariant();
        v.Check(sort is SearchSorts.Newest or SearchSorts.Relevance, "sort", "sort must be newest or relevance");
        var limit = DefaultLimit;
        if (Limit is not null && (!int.TryParse(Limit, out limit) || limit < 1)) v.Add("limit", "limit must be a positive whole number");
        var cursor = SearchCursor.Parse(Cursor, sort);
        v.Check(Cursor is null || cursor is not null, "cursor", "cursor must be the nextCursor of a previous page with the same sort");
        if (v.Failed) return v.ToFailure();
        return new SearchQuery(terms, ConversationId, From, before, after, type, hasFile, sort, cursor, Math.Min(limit, MaxLimit));
    }

    /// <summary>Unix milliseconds or an ISO 8601 date/time.</summary>
    private static long? Timestamp(string? raw, string field, Validator v)
    {
        if (raw is null) return null;
        if (long.TryParse(raw, out var ms) && ms >= 0) return ms;
        if (DateTimeOffset.TryParse(raw, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at)) return at.ToUnixTimeMilliseconds();
        v.Add(field, $"{field} must be a timestamp (ISO 8601 or Unix milliseconds)");
        return null;
    }
}

/// <summary>A validated search.</summary>
public sealed record SearchQuery(IReadOnlyList<SearchTerm> Terms, string? ConversationId, string? SenderId, long? Before, long? After,
    string? Type, bool? HasFile, string Sort, SearchCursor? Cursor, int Limit);

/// <summary>One word of a query; <see cref="Prefix"/> when the user wrote it with a trailing * ("meet*").</summary>
public sealed record SearchTerm(string Text, bool Prefix);

/// <summary>
/// The words of a query: runs of letters and digits, lower-cased, each matched whole unless followed by '*'.
/// Whatever else the user typed (quotes, operators, parentheses) only separates words, so no query can be an
/// FTS syntax error. Prefixes are asked for, not implied: a prefix of a common word matches a large part of the index.
/// </summary>
public static class SearchTerms
{
    public static List<SearchTerm> Of(string text)
    {
        var terms = new List<SearchTerm>();
        var word = new StringBuilder();
        foreach (var rune in text.EnumerateRunes())
        {
            if (Rune.IsLetterOrDigit(rune) || Rune.GetUnicodeCategory(rune) == UnicodeCategory.NonSpacingMark) word.Append(rune.ToString());
            else Flush(prefix: rune.Value == '*');
        }
        Flush(prefix: false);
        return terms;

        void Flush(bool prefix)
        {
            if (word.Length > 0 && terms.Count < SearchRequest.MaxTerms) terms.Add(new(word.ToString().ToLowerInvariant(), prefix));
            word.Clear();
        }
    }

    /// <summary>FTS5: every term a quoted string (nothing inside can be an operator), ANDed.</summary>
    public static string ToFts5(IReadOnlyList<SearchTerm> terms) => string.Join(" ", terms.Select(t => $"\"{t.Text}\"" + (t.Prefix ? "*" : "")));

    /// <summary>PostgreSQL to_tsquery: the terms ANDed; they hold only letters and digits.</summary>
    public static string ToTsQuery(IReadOnlyList<SearchTerm> terms) => string.Join(" & ", terms.Select(t => t.Text + (t.Prefix ? ":*" : "")));
}

/// <summary>
/// Where the next page starts: after the hit with this key (newest first; an opaque per-dialect ordering key), or
/// after this many hits (relevance). Sent to clients as "n.&lt;key&gt;" / "r.&lt;offset&gt;".
/// </summary>
public sealed record SearchCursor(string? Key, int Offset)
{
    public override string ToString() => Key is not null ? "n." + Key : "r." + Offset.ToString(CultureInfo.InvariantCulture);

    public static SearchCursor? Parse(string? raw, string sort)
    {
        if (raw is null || raw.Length is < 3 or > 100) return null;
        if (sort == SearchSorts.Newest && raw.StartsWith("n.", StringComparison.Ordinal)) return new SearchCursor(raw[2..], 0);
        if (sort == SearchSorts.Relevance && raw.StartsWith("r.", StringComparison.Ordinal)
            && int.TryParse(raw.AsSpan(2), NumberStyles.None, CultureInfo.InvariantCulture, out var offset) && offset <= 10_000)
            return new SearchCursor(null, offset);
        return null;
    }
}
