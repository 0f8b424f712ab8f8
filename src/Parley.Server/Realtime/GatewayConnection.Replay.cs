using Parley.Server.Events;

namespace Parley.Server.Realtime;

/// <summary>
/// Resume on a live socket without doubling: while missed events are replayed, live events are held back;
/// afterwards the held ones are released in arrival order, minus any the replay already sent. Events that
/// reached a new socket live before its first resume are left out of that replay: the client has them.
/// </summary>
public sealed partial class GatewayConnection
{
    /// <summary>How many live events a new socket remembers while it has not resumed yet (a client resumes right after connecting).</summary>
    private const int RememberedBeforeResume = 1024;

    private volatile List<OutFrame>? _replay;
    private volatile HashSet<long>? _replayed;
    private HashSet<long>? _sentBeforeResume;
    private bool _resumed;

    private void NoteSentBeforeResume(long cursor)
    {
        lock (_gate)
        {
            if (_resumed) return;
            _sentBeforeResume ??= [];
            if (_sentBeforeResume.Count < RememberedBeforeResume) _sentBeforeResume.Add(cursor);
        }
    }

    public void BeginReplay()
    {
        lock (_gate) _replay ??= [];
    }

    /// <summary>Queues the replayed events in order, waiting for room rather than overflowing.</summary>
    public async ValueTask ReplayAsync(IReadOnlyList<ChatEvent> events, CancellationToken ct)
    {
        HashSet<long>? alreadySent;
        lock (_gate)
        {
            _resumed = true;
            alreadySent = _sentBeforeResume;
            // Kept across the pages of one catch-up; let go once a page reaches past everything it holds.
            if (alreadySent is not null && (events.Count == 0 || events[^1].Cursor >= alreadySent.Max())) _sentBeforeResume = null;
        }
        var replayed = new HashSet<long>(events.Count);
        foreach (var e in events)
        {
            if (alreadySent?.Contains(e.Cursor) != true) await SendAsync(ProfileFrames.Of(e, Profile), ct);
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
