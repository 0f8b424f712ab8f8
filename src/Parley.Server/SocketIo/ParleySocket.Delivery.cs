using System.Globalization;
using Parley.Server.Events;
using Parley.Server.Realtime;

namespace Parley.Server.SocketIo;

/// <summary>
/// Events on their way out: shaped by the socket's profile once per fan-out (<see cref="EventDelivery.For"/>), with the
/// cursor as the recovery offset; held back while a replay runs and released after it in order, minus what it sent.
/// </summary>
public sealed partial class ParleySocket
{
    private readonly Lock _gate = new();
    private List<OutFrame>? _held;
    private HashSet<long>? _replayed;

    private static readonly Func<ChatEvent, object, OutFrame> BuildFrame = static (e, key) => Shape((ISocketProfile)key, e.Type, e.Data, e.Cursor);

    private static OutFrame Shape(ISocketProfile profile, string type, ReadOnlyMemory<byte> data, long cursor)
    {
        if (profile.ShapeEvent(type, data) is not { } shaped) return default;
        var offset = cursor > 0 ? cursor.ToString(CultureInfo.InvariantCulture) : null;
        return new OutFrame(SocketCodec.Event(NamespaceConnector.Root, shaped.Name, shaped.Data.Span, offset).Bytes, cursor);
    }

    public void Deliver(EventDelivery delivery) => Queue(delivery.For(profile, BuildFrame));

    private void SendShaped(string type, ReadOnlyMemory<byte> data, long cursor)
    {
        if (Shape(profile, type, data, cursor) is { Bytes.IsEmpty: false } frame) session.Send(EngineFrame.Text(frame.Bytes));
    }

    private void Queue(OutFrame frame)
    {
        if (frame.Bytes.IsEmpty) return;
        lock (_gate)
        {
            if (_held is { } held)
            {
                if (held.Count < gateway.Value.SendQueueSize) held.Add(frame);
                else session.Close(EngineSession.QueueFullReason);
                return;
            }
            if (frame.Cursor > 0 && _replayed?.Contains(frame.Cursor) == true) return;
            session.Send(EngineFrame.Text(frame.Bytes));
        }
    }

    public void BeginReplay()
    {
        lock (_gate) _held ??= [];
    }

    public ValueTask ReplayAsync(IReadOnlyList<ChatEvent> events, CancellationToken ct)
    {
        var replayed = new HashSet<long>(events.Count);
        foreach (var e in events)
        {
            SendShaped(e.Type, e.Data, e.Cursor);
            replayed.Add(e.Cursor);
        }
        lock (_gate) _replayed = replayed;
        return ValueTask.CompletedTask;
    }

    public void EndReplay()
    {
        lock (_gate)
        {
            if (_held is not { } held) return;
            _held = null;
            foreach (var frame in held)
                if (frame.Cursor == 0 || _replayed?.Contains(frame.Cursor) != true) session.Send(EngineFrame.Text(frame.Bytes));
        }
    }
}
