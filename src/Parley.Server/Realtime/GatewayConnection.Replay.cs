namespace Parley.Server.Realtime;

/// <summary>
/// Resume on a live socket without doubling: while missed events are replayed, live events are held back;
/// afterwards the held ones are released in arrival order, minus any the replay already sent.
/// </summary>
public sealed partial class GatewayConnection
{
    private volatile List<OutFrame>? _replay;
    private volatile HashSet<long>? _replayed;

    public void BeginReplay()
    {
        lock (_gate) _replay ??= [];
    }

    /// <summary>Queues the replayed events in order, waiting for room rather than overflowing.</summary>
    public async ValueTask ReplayAsync(IReadOnlyList<ChatEvent> events, CancellationToken ct)
    {
        var replayed = new HashSet<long>(events.Count);
        foreach (var e in events)
        {
            await SendAsync(Frames.Event(e), ct);
            replayed.Add(e.Cursor);
        }
        _replayed = replayed;
    }

    /// <summary>Releases the live events held during the replay (called after the resume's ack is queued).</summary>
    public void EndReplay()
    {
        lock (_gate)
        {
            if (_replay is not { } held) return;
            _replay = null;
            foreach (var frame in held)
                if (_replayed?.Contains(frame.Cursor) != true && !TryQueue(frame)) return;
        }
    }

    private bool Hold(OutFrame frame)
    {
        lock (_gate)
        {
            if (_replay is not { } held) return _replayed?.Contains(frame.Cursor) == true || TryQueue(frame);
            if (held.Count >= _options.SendQueueSize)
            {
                Overflowed();
                return false;
            }
            held.Add(frame);
            return true;
        }
    }
}
