using Parley.Server.Events;

namespace Parley.Server.Presence;

/// <summary>The gateway's sockets as presence sees them: a socket brings its user online; its close ends its typing and may take the user offline.</summary>
public sealed class PresenceConnections(PresenceService presence, TypingTracker typing, UserActivity activity) : IConnectionObserver
{
    public Task ConnectedAsync(string userId, string connectionId)
    {
        activity.Touch(userId);
        return presence.ConnectedAsync(userId);
    }

    public async Task DisconnectedAsync(string userId, string connectionId)
    {
        await typing.DisconnectedAsync(connectionId);
        presence.Disconnected(userId);
    }
}
