namespace Parley.Server.Events;

/// <summary>Carries committed events to every node's sockets (in-process here; Redis when scaled out).</summary>
public interface IEventBus
{
    ValueTask PublishAsync(IReadOnlyList<ChatEvent> events, CancellationToken ct = default);

    /// <summary>Registers a receiver of every event published on any node.</summary>
    void Subscribe(Func<ChatEvent, ValueTask> handler);
}

/// <summary>
/// The bus of a single node. With <c>contiguousCursors</c> (SQLite: one writer, AUTOINCREMENT ids, so committed
/// cursors have no holes) it delivers stored events in cursor order even when the requests that committed them
/// publish in another order: a socket that saw 330 must already have 329, or a resume from 330 would skip it.
/// A hole that stays open longer than <see cref="HoleTimeout"/> (a publisher that died between commit and
/// publish) is passed over. Ephemeral events (typing, presence) go straight through.
/// </summary>
public sealed class InProcessEventBus(bool contiguousCursors = false) : IEventBus
{
    public static readonly TimeSpan HoleTimeout = TimeSpan.FromMilliseconds(500);

    private volatile Func<ChatEvent, ValueTask>[] _handlers = [];
    private readonly Lock _gate = new();
    private readonly SortedDictionary<long, (ChatEvent Event, TaskCompletionSource? Done)> _waiting = [];
    private readonly Queue<(ChatEvent Event, TaskCompletionSource? Done)> _ready = new();
    private long _next;
    private bool _delivering;
    private ITimer? _holeTimer;

    public async ValueTask PublishAsync(IReadOnlyList<ChatEvent> events, CancellationToken ct = default)
    {
        if (!contiguousCursors || events.All(e => e.IsEphemeral))
        {
            foreach (var e in events) await DeliverAsync(e);
            return;
        }
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            var last = events.Last(e => !e.IsEphemeral);
            foreach (var e in events)
            {
                var entry = (e, ReferenceEquals(e, last) ? done : null);
                if (e.IsEphemeral || (_next > 0 && e.Cursor < _next)) _ready.Enqueue(entry); // a straggler: never hold it
                else _waiting[e.Cursor] = entry;
            }
            if (_next == 0) _next = _waiting.Keys.First();
            Release();
        }
        await DrainAsync();
        await done.Task.WaitAsync(HoleTimeout * 2, ct).ContinueWith(_ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    /// <summary>Moves the events that are next in cursor order to the ready queue; arms the hole timer if one is missing.</summary>
    private void Release()
    {
        while (_waiting.Remove(_next, out var entry))
        {
            _ready.Enqueue(entry);
            _next++;
        }
        if (_waiting.Count == 0) _holeTimer?.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        else
        {
            _holeTimer ??= TimeProvider.System.CreateTimer(_ => SkipHole(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            _holeTimer.Change(HoleTimeout, Timeout.InfiniteTimeSpan);
        }
    }

    private void SkipHole()
    {
        lock (_gate)
        {
            if (_waiting.Count == 0) return;
            _next = _waiting.Keys.First();
            Release();
        }
        _ = DrainAsync();
    }

    /// <summary>One deliverer at a time, so ready events reach subscribers in the order they were released.</summary>
    private async Task DrainAsync()
    {
        while (true)
        {
            (ChatEvent Event, TaskCompletionSource? Done) entry;
            lock (_gate)
            {
                if (_delivering || !_ready.TryDequeue(out entry)) return;
                _delivering = true;
            }
            try
            {
                await DeliverAsync(entry.Event);
            }
            finally
            {
                entry.Done?.TrySetResult();
                lock (_gate) _delivering = false;
            }
        }
    }

    private async ValueTask DeliverAsync(ChatEvent e)
    {
        foreach (var handler in _handlers) await handler(e);
    }

    public void Subscribe(Func<ChatEvent, ValueTask> handler)
    {
        lock (_gate) _handlers = [.. _handlers, handler];
    }
}
