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

    public bool IsEphemeral => Cursor == 0;
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
}
