namespace Parley.Server.SocketIo;

public enum EngineTransport { Polling, WebSocket }

/// <summary>What the session's first request carried that the Socket.IO layer reads later (token, profile).</summary>
public sealed record SessionRequest(string? QueryToken, string? HeaderToken, string? Profile);

/// <summary>The Socket.IO layer above one Engine.IO session.</summary>
public interface IEngineHandler
{
    /// <summary>One message packet (text or binary); false when it is malformed, which closes the session.</summary>
    ValueTask<bool> OnMessageAsync(EnginePacket packet);

    void OnClosed(string reason);
}

/// <summary>
/// One Engine.IO session: its outgoing packets wait in one queue that whichever transport holds the session drains
/// (a long-polling GET, or the WebSocket sender after an upgrade); the server's heartbeat; and its close. A session
/// lives on the node that opened it; requests for it that land elsewhere are forwarded here (<see cref="SessionForwarder"/>).
/// </summary>
public sealed class EngineSession
{
    private readonly Lock _gate = new();
    private readonly Queue<EngineFrame> _outbox = new();
    private readonly SocketIoOptions _options;
    private readonly int _queueLimit;
    private readonly Action<EngineSession> _onClosed;
    private readonly Timer _heartbeat;
    private TaskCompletionSource? _signal;
    private bool _closed, _awaitingPong, _polling, _upgrading;

    public EngineSession(string sid, EngineTransport transport, SessionRequest request, SocketIoOptions options, int queueLimit, Action<EngineSession> onClosed)
    {
        (Sid, Transport, Request, _options, _queueLimit, _onClosed) = (sid, transport, request, options, queueLimit, onClosed);
        _heartbeat = new Timer(static s => ((EngineSession)s!).Beat(), this, options.PingInterval, Timeout.InfiniteTimeSpan);
    }

    public string Sid { get; }
    public SessionRequest Request { get; }
    public EngineTransport Transport { get; private set; }
    public IEngineHandler? Handler { get; set; }
    public bool IsClosed => _closed;
    public const string QueueFullReason = "send queue full";

    public int QueuedFrames => _outbox.Count;
    public string? CloseReason { get; private set; }

    /// <summary>Queues frames that must stay together (a packet and its attachments); false once closed. A client further
    /// behind than the queue limit is closed instead of slowing everyone else down.</summary>
    public bool Send(params ReadOnlySpan<EngineFrame> frames)
    {
        lock (_gate)
        {
            if (_closed) return false;
            if (_outbox.Count + frames.Length > _queueLimit)
            {
                CloseLocked(QueueFullReason, EngineFrame.Close);
                return false;
            }
            foreach (var frame in frames) _outbox.Enqueue(frame);
            SignalLocked();
            return true;
        }
    }

    /// <summary>Completes when there is something to send, the transport changed, or the session closed.</summary>
    public Task WaitAsync()
    {
        lock (_gate)
            return _outbox.Count > 0 || _closed ? Task.CompletedTask : (_signal ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;
    }

    public int Drain(List<EngineFrame> into)
    {
        lock (_gate)
        {
            var count = _outbox.Count;
            while (_outbox.TryDequeue(out var frame)) into.Add(frame);
            return count;
        }
    }

    /// <summary>Ends the session: a long-poll still waiting gets a close packet (a noop when the client asked), the WebSocket sender stops.</summary>
    public void Close(string reason, bool byClient = false)
    {
        lock (_gate) CloseLocked(reason, byClient ? EngineFrame.Noop : EngineFrame.Close);
    }

    private void CloseLocked(string reason, EngineFrame last)
    {
        if (_closed) return;
        if (Transport == EngineTransport.Polling) _outbox.Enqueue(last);
        (_closed, CloseReason) = (true, reason);
        SignalLocked();
        _heartbeat.Dispose();
        ThreadPool.UnsafeQueueUserWorkItem(static s =>
        {
            s._onClosed(s);
            s.Handler?.OnClosed(s.CloseReason!);
        }, this, preferLocal: false);
    }

    private void SignalLocked()
    {
        var signal = _signal;
        _signal = null;
        signal?.TrySetResult();
    }

    /// <summary>Handles one received packet; false when it is not allowed here (the caller closes the session).</summary>
    public async ValueTask<bool> ReceiveAsync(EnginePacket packet)
    {
        switch (packet.Type)
        {
            case EngineType.Pong:
                lock (_gate)
                {
                    _awaitingPong = false;
                    if (!_closed) _heartbeat.Change(_options.PingInterval, Timeout.InfiniteTimeSpan);
                }
                return true;
            case EngineType.Ping:
                return Send(EngineFrame.Text(Concat(EngineType.Pong, packet.Data)));
            case EngineType.Close:
                Close("client closed", byClient: true);
                return true;
            case EngineType.Message:
                return Handler is null || await Handler.OnMessageAsync(packet);
            case EngineType.Noop:
                return true;
            default:
                return false;
        }
    }

    private static byte[] Concat(byte type, ReadOnlyMemory<byte> data) => [type, .. data.Span];

    /// <summary>Every ping interval a ping; a pong due within the ping timeout, else the session closes.</summary>
    private void Beat()
    {
        lock (_gate)
        {
            if (_closed) return;
            if (_awaitingPong)
            {
                CloseLocked("ping timeout", EngineFrame.Close);
                return;
            }
            _awaitingPong = true;
            _outbox.Enqueue(EngineFrame.Ping);
            SignalLocked();
            _heartbeat.Change(_options.PingTimeout, Timeout.InfiniteTimeSpan);
        }
    }

    /// <summary>Starts a long-poll; false when one is already running (a protocol error), or the session is closed or upgraded.</summary>
    public PollStart TryBeginPoll()
    {
        lock (_gate)
        {
            if (_closed || Transport == EngineTransport.WebSocket) return PollStart.Refused;
            if (_polling) return PollStart.Duplicate;
            _polling = true;
            return PollStart.Started;
        }
    }

    public void EndPoll()
    {
        lock (_gate) _polling = false;
    }

    /// <summary>A WebSocket asks to take a polling session over; only one, once.</summary>
    public bool TryBeginUpgrade()
    {
        lock (_gate)
        {
            if (_closed || Transport != EngineTransport.Polling || _upgrading) return false;
            return _upgrading = true;
        }
    }

    /// <summary>The client sent <c>5</c>: from now on the WebSocket carries everything; a poll still waiting returns.</summary>
    public void CompleteUpgrade()
    {
        lock (_gate)
        {
            Transport = EngineTransport.WebSocket;
            SignalLocked();
        }
    }
}

public enum PollStart { Started, Duplicate, Refused }
