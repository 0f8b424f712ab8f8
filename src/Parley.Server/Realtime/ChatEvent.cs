namespace Parley.Server.Realtime;

/// <summary>
/// One change worth telling clients about, as stored in the event log. A conversation event reaches the
/// conversation's current members; a personal event (UserId set) reaches that user only. Data is the
/// payload's JSON, serialised once when the event is appended. Ephemeral events (typing, presence) have
/// Cursor 0 and are never stored.
/// </summary>
public sealed record ChatEvent(long Cursor, string Type, string? ConversationId, string? UserId, long CreatedAt, ReadOnlyMemory<byte> Data)
{
    /// <summary>A conversation event that skips this member (typing goes to the others only).</summary>
    public string? ExceptUserId { get; init; }

    /// <summary>
    /// Ephemeral state that ends by itself (a typing start): every node that delivers it ends it for its own
    /// sockets when no refresh or end follows within this time, also when the node that started it is gone.
    /// </summary>
    public TimeSpan? Lifetime { get; init; }

    public bool IsEphemeral => Cursor == 0;

    /// <summary>A message between nodes (see <see cref="EventTypes.StampChanged"/>): never delivered to a client.</summary>
    public bool IsInternal => Type.StartsWith(EventTypes.InternalPrefix, StringComparison.Ordinal);
}

public static class EventTypes
{
    public const string ConversationNew = "conversation:new";
    public const string ConversationUpdated = "conversation:updated";
    public const string ConversationDeleted = "conversation:deleted";
    public const string MemberAdded = "member:added";
    public const string MemberRemoved = "member:removed";
    public const string MemberRole = "member:role";
    public const string MessageNew = "message:new";
    public const string MessageUpdated = "message:updated";
    public const string MessageDeleted = "message:deleted";
    public const string MessageRead = "message:read";
    /// <summary>Text appended to a streaming message (the AI agent's answer): {conversationId, messageId, seq, offset, text}.</summary>
    public const string MessageDelta = "message:delta";
    public const string Typing = "typing";
    public const string Presence = "presence";
    public const string NotificationNew = "notification:new";

    /// <summary>Types of messages between nodes only; fan-out never hands them to a socket.</summary>
    public const string InternalPrefix = "internal:";
    /// <summary>A user's security stamp changed (password change, account deletion): {userId}. Every node drops its cached stamp and closes the user's sockets.</summary>
    public const string StampChanged = InternalPrefix + "stamp";
}
