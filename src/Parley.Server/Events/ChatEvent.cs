namespace Parley.Server.Events;

/// <summary>
/// One change worth telling clients about, as stored in the event log. A conversation event reaches the
/// conversation's current members; a personal event (UserId set) reaches that user only. Data is the
/// payload's JSON, serialised once when the event is appended. Ephemeral events (typing, presence) have
/// Cursor 0 and are never stored. Each feature names the events it raises (e.g. MessageEventTypes).
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

    /// <summary>Types of messages between nodes only start with this; fan-out never hands them to a socket.</summary>
    public const string InternalPrefix = "internal:";

    public bool IsEphemeral => Cursor == 0;

    /// <summary>A message between nodes (a revocation, say): never delivered to a client.</summary>
    public bool IsInternal => Type.StartsWith(InternalPrefix, StringComparison.Ordinal);
}
