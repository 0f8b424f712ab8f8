using System.Net.WebSockets;
using Parley.Server.Compat;

namespace Parley.Server.Realtime;

/// <summary>
/// One authenticated socket: a receive loop that hands each text frame to <see cref="OnFrame"/>, and a send queue
/// drained by a sender that runs only while there is something to send. An idle socket is one pending zero-byte
/// receive and nothing else: no buffer, no send loop, no queue, no cancellation source, no timer of its own.
/// Fan-out only ever calls <see cref="Enqueue"/>, which never waits: a full queue closes this socket with 1013
/// instead of slowing the broadcast down for everyone else.
/// </summary>
public sealed partial class GatewayConnection : IThreadPoolWorkItem, IRealtimeConnection
{
    private readonly WebSocket _socket;
    private readonly GatewayOptions _options;
    private readonly ILogger _logger;
    private readonly Action? _abortTransport;
    private readonly Lock _gate = new();
    private bool _sending, _aborted, _done;
    private TaskCompletionSource? _progress;
    private CancellationTokenSource? _abortSource;
    private Timer? _abortTimer;
    private CloseIntent? _close;
    private int _invalidFrames;

    /// <param name="abortTransport">Tears the connection down under the socket, for transports where aborting the socket alone
    /// does not end a pending read.</param>
    public GatewayConnection(WebSocket socket, string userId, GatewayOptions options, ILogger logger, Action? abortTransport = null) =>
        (_socket, UserId, _options, _logger, _abortTransport) = (socket, userId, options, logger, abortTransport);

    /// <summary>1013 "Try Again Later": the client fell behind and should reconnect and resume.</summary>
    public const WebSocketCloseStatus TryAgainLater = (WebSocketCloseStatus)1013;

    public string Id { get; } = Guid.CreateVersion7().ToString();
    public string UserId { get; }

    /// <summary>The dialect this socket's events are shaped into (<c>?profile=</c>, else the server's).</summary>
    public CompatProfile Profile { get; init; }
    public bool IsClosing => _close is not null;

    public int QueuedFrames => Volatile.Read(ref _queued);

    /// <summary>Told when the send queue overflows (the socket is then closed).</summary>
    public Action? OnOverflow { get; init; }

    /// <summary>Called once per complete frame; the bytes are only valid during the call.</summary>
    public Func<GatewayConnection, InFrame, CancellationToken, ValueTask> OnFrame { get; set; } = (_, _, _) => ValueTask.CompletedTask;

    public int CountInvalidFrame() => Interlocked.Increment(ref _invalidFrames);

    public void Deliver(EventDelivery delivery) =>
        Enqueue(Profile == CompatProfile.Parley ? delivery.Native : delivery.For(ProfileFrames.Key(Profile), ProfileFrames.Build));

    /// <summary>Queues a frame without waiting; on overflow the socket is closed (1013) and false returned.</summary>
    public bool Enqueue(OutFrame frame)
    {
        if (_close is not null) return false;
        if (frame.Cursor > 0)
        {
            if (_replay is not null) return Hold(frame);
            if (_replayed?.Contains(frame.Cursor) == true) return true;
            if (!TryQueue(frame)) return false;
            NoteSentBeforeResume(frame.Cursor);
            return true;
        }
        return TryQueue(frame);
    }

    private bool TryQueue(OutFrame frame)
    {
        bool queued;
        lock (_gate)
        {
            if (_close is not null) return false;
            queued = TryQueueLocked(frame);
        }
        if (!queued) Overflowed();
        return queued;
    }

    /// <summary>Queues a frame for this connection's own replies, waiting for room (back-pressure on its own receive loop).
    /// Once the socket is closing the frame is dropped.</summary>
    public async ValueTask SendAsync(OutFrame frame, CancellationToken ct)
    {
        while (true)
        {
            Task progress;
            lock (_gate)
            {
                if (_close is not null || TryQueueLocked(frame)) return;
                progress = ProgressLocked();
            }
            await progress.WaitAsync(ct);
        }
    }

    private void Overflowed()
    {
        LogSlowConsumer(_logger, UserId, Id, _options.SendQueueSize);
        OnOverflow?.Invoke();
        Close(TryAgainLater, "Send queue full; reconnect and resume", drain: false);
    }

    /// <summary>Starts a close: the sender sends the close frame (after the queued frames when draining); a peer that
    /// does not finish the handshake within the close timeout is aborted.</summary>
    public void Close(WebSocketCloseStatus status, string reason, bool drain = true)
    {
        lock (_gate)
        {
            if (_close is not null || _done) return;
            _close = new CloseIntent(status, reason, drain);
            StartSenderLocked();
            Signal();
            _abortTimer = new Timer(static c => ((GatewayConnection)c!).Abort(), this, _options.CloseTimeout, Timeout.InfiniteTimeSpan);
        }
    }

    /// <summary>Ends the socket at once; pending receives and sends fail, and requests in flight see their token cancelled.</summary>
    public void Abort()
    {
        CancellationTokenSource? source;
        lock (_gate)
        {
            // Once done, the transport may already serve someone else: never touch it again.
            if (_done) return;
            _aborted = true;
            _socket.Abort();
            _abortTransport?.Invoke();
            source = _abortSource;
        }
        source?.Cancel();
    }

    private sealed record CloseIntent(WebSocketCloseStatus Status, string Reason, bool Drain);

    [LoggerMessage(LogLevel.Warning, "Closing slow WebSocket of user {UserId} ({ConnectionId}): more than {Size} frames queued")]
    private static partial void LogSlowConsumer(ILogger logger, string userId, string connectionId, int size);
}

public enum FrameKind { Text, Binary, TooLarge, Close }

/// <summary>A received frame: its text when it is a text frame within the size limit.</summary>
public readonly record struct InFrame(FrameKind Kind, ReadOnlyMemory<byte> Text);
