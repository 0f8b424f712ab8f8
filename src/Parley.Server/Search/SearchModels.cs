using Parley.Server.Messages;

namespace Parley.Server.Search;

/// <summary>The conversation a hit is in; a direct conversation is named after the other person.</summary>
public sealed record SearchConversation(string Id, string Type, string? Name, string? Picture);

/// <summary>
/// One match: the message as history shows it, its conversation, and <see cref="Snippet"/>: the matching part of the
/// text, HTML-escaped, with the matched words in &lt;mark&gt;…&lt;/mark&gt;.
/// </summary>
public sealed record SearchHit(MessageDto Message, SearchConversation Conversation, string Snippet);

/// <summary>A page of hits; <see cref="NextCursor"/> (null on the last page) fetches the next one.</summary>
public sealed record SearchPage(List<SearchHit> Hits, bool HasMore, string? NextCursor);

/// <summary>What the search SQL returns beside the message columns.</summary>
public sealed class SearchExtras
{
    public string SearchKey { get; set; } = "";
    public string ConversationType { get; set; } = "";
    public string? ConversationName { get; set; }
    public string? ConversationPicture { get; set; }
    public string? DirectKey { get; set; }
    public string? Snippet { get; set; }
}
