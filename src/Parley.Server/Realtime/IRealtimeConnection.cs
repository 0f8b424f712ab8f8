using System.Net.WebSockets;
using Parley.Server.Api;
using Parley.Server.Events;

namespace Parley.Server.Realtime;

/// <summary>
/// A live client of this node in the <see cref="ConnectionRegistry"/>, whatever its wire: the native gateway's
/// WebSocket (<see cref="GatewayConnection"/>) or a Socket.IO socket. Fan-out, resume, revocation and shutdown
/// only ever talk to this.
/// </summary>
public interface IRealtimeConnection : IGatewaySocket
{
    bool IsClosing { get; }

    /// <summary>Frames waiting to be sent (read for metrics, without a lock).</summary>
    int QueuedFrames { get; }

    /// <summary>Queues one fanned-out event without waiting, in the connection's own wire form (built once per form).</summary>
    void Deliver(EventDelivery delivery);

    void Close(WebSocketCloseStatus status, string reason, bool drain = true);

    /// <summary>Holds live events back until <see cref="EndReplay"/> while <see cref="ReplayAsync"/> sends missed ones.</summary>
    void BeginReplay();

    ValueTask ReplayAsync(IReadOnlyList<ChatEvent> events, CancellationToken ct);

    void EndReplay();
}
