using Parley.Server.Messages;

namespace Parley.Server.Pins;

/// <summary>The events this feature raises, by the type name clients see.</summary>
public static class PinEventTypes
{
    public const string Pinned = "message:pinned";
    public const string Unpinned = "message:unpinned";
}

public static class PinLimits
{
    /// <summary>Pins per conversation, as in Slack.</summary>
    public const int PerConversation = 100;
}

/// <summary>A pinned message: who pinned it and when, with the message as history shows it.</summary>
public sealed record PinDto(string ConversationId, string MessageId, string PinnedBy, DateTimeOffset PinnedAt, MessageDto Message);

/// <summary>The answer to pinning or unpinning: changed false when it already was so.</summary>
public sealed record PinChange(string ConversationId, string MessageId, bool Pinned, bool Changed, string? PinnedBy, DateTimeOffset? PinnedAt);

/// <summary>message:pinned carries the pin; message:unpinned who took it off (null when the message was deleted).</summary>
public sealed record PinnedEvent(string ConversationId, string MessageId, string PinnedBy, DateTimeOffset PinnedAt, MessageDto Message);

public sealed record UnpinnedEvent(string ConversationId, string MessageId, string? UnpinnedBy);

public sealed class PinRow
{
    public string ConversationId { get; set; } = "";
    public string MessageId { get; set; } = "";
    public string PinnedBy { get; set; } = "";
    public long PinnedAt { get; set; }
}
