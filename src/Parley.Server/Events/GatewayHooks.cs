namespace Parley.Server.Events;

/// <summary>Told by the gateway when a user's socket opens and when it closes (presence, typing).</summary>
public interface IConnectionObserver
{
    Task ConnectedAsync(string userId, string connectionId);

    Task DisconnectedAsync(string userId, string connectionId);
}

/// <summary>Who is in a conversation now, as the gateway's membership cache knows it (cheap enough for every typing frame).</summary>
public interface IConversationMembers
{
    ValueTask<bool> IsMemberAsync(string conversationId, string userId, CancellationToken ct = default);
}

/// <summary>
/// Ephemeral state that ends by itself (typing): every node shows each event of <see cref="EventType"/> to it
/// before delivering the event to its own sockets, and it may later deliver an end there itself.
/// </summary>
public interface IEphemeralExpiry
{
    string EventType { get; }

    ValueTask ObserveAsync(ChatEvent e, Func<ChatEvent, ValueTask> deliverHere);
}

/// <summary>Whether a user has a socket open on this node.</summary>
public interface ISocketDirectory
{
    bool IsConnected(string userId);
}
