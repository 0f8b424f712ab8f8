using System.Buffers;
using System.Net.WebSockets;
using System.Threading.Channels;

namespace Parley.Server.Realtime;

/// <summary>
/// One authenticated socket: a receive loop that hands each text frame to <see cref="OnFrame"/>, and a send
/// loop that drains a bounded queue. Fan-out only ever calls <see cref="Enqueue"/>, which never waits: a full
/// queue closes this socket with 1013 instead of slowing the broadcast down for everyone else.
/// </summary>
public sealed partial class GatewayConnection
{
    private readonly WebSocket _socket;
    private readonly GatewayOptions _options;
    private readonly ILogger _logger;
    private readonly Channel<OutFrame> _queue;
    private readonly CancellationTokenSource _abort = new();
    private CloseIntent? _close;
    private int _invalidFrames;

    public GatewayConnection(WebSocket socket, string userId, GatewayOptions options, ILogger logger)
    {
        (_socket, UserId, _options, _logger) = (socket, userId, options, logger);
        _queue = Channel.CreateBounded<OutFrame>(new BoundedChannelOptions(options.SendQueueSize)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        _abort.Token.Register(socket.Abort);
    }

    /// <summary>1013 "Try Again Later": the client fell behind and should reconnect and resume.</summary>
    public const WebSocketCloseStatus TryAgainLater = (WebSocketCloseStatus)1013;

    public string Id { get; } = Guid.CreateVersion7().ToString();
    public string UserId { get; }
    public bool IsClosing => _close is not null;

    /// <summary>Called once per complete frame; the bytes are only valid during the call.</summary>
    public Func<GatewayConnection, InFrame, CancellationToken, ValueTask> OnFrame { get; set; } = (_, _, _) => ValueTask.CompletedTask;

    public int CountInvalidFrame() => Interlocked.Increment(ref _invalidFrames);

    /// <summary>Queues a frame without waiting; on overflow the socket is closed (1013) and false returned.</summary>
    public bool Enqueue(OutFrame frame)
    {
        if (_close is not null) return false;
        if (frame.Cursor > 0)
        {
            if (_replay is not null) return Hold(frame);
            if (_replayed.Contains(frame.Cursor)) return true;
            if (!TryQueue(frame)) return false;
            NoteSentBeforeResume(frame.Cursor);
            return true;
        }
        return TryQueue(frame);
    }

    private bool TryQueue(OutFrame frame)
    {
        if (_queue.Writer.TryWrite(frame)) return true;
        if (_close is null) Overflowed();
        return false;
    }

    /// <summary>Queues a frame for this connection's own replies, waiting for room (back-pressure on its own receive loop).</summary>
    public async ValueTask SendAsync(OutFrame frame, CancellationToken ct)
    {
        try { await _queue.Writer.WriteAsync(frame, ct); }
        catch (ChannelClosedException) { }
    }

    private void Overflowed()
    {
        LogSlowConsumer(_logger, UserId, Id, _options.SendQueueSize);
        Close(TryAgainLater, "Send queue full; reconnect and resume", drain: false);
    }

    /// <summary>Starts a close: the send loop sends the close frame (after the queued frames when draining); a peer that
    /// does not finish the handshake within the close timeout is aborted.</summary>
    public void Close(WebSocketCloseStatus status, string reason, bool drain = true)
    {
        if (Interlocked.CompareExchange(ref _close, new CloseIntent(status, reason, drain), null) is not null) return;
        _queue.Writer.TryComplete();
        _abort.CancelAfter(_options.CloseTimeout);
    }

    /// <summary>Runs both loops until the socket is done, the way SignalR's WebSocket transport does.</summary>
    public async Task RunAsync(CancellationToken stopping)
    {
        using var _ = stopping.Register(() => Close(WebSocketCloseStatus.EndpointUnavailable, "Server shutting down"));
        var receiving = ReceiveLoopAsync();
        var sending = SendLoopAsync();
        if (await Task.WhenAny(receiving, sending) == receiving)
        {
            // The peer closed (or vanished): finish sending our close frame, then stop.
            Close(WebSocketCloseStatus.NormalClosure, "", drain: false);
            await sending;
        }
        else
        {
            // We closed: wait for the peer's close frame, or the abort after the close timeout.
            _abort.CancelAfter(_options.CloseTimeout);
            await receiving;
        }
        // Anything fanned out from now on is dropped, not queued for a reader that is gone.
        Close(WebSocketCloseStatus.NormalClosure, "", drain: false);
    }

    private async Task SendLoopAsync()
    {
        var reader = _queue.Reader;
        try
        {
            while (await reader.WaitToReadAsync(_abort.Token))
                while (reader.TryRead(out var frame))
                {
                    if (_close is { Drain: false }) goto close;
                    await _socket.SendAsync(frame.Bytes, WebSocketMessageType.Text, true, _abort.Token);
                }
            close:
            var intent = _close ?? new CloseIntent(WebSocketCloseStatus.NormalClosure, "", false);
            if (_socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
                await _socket.CloseOutputAsync(intent.Status, intent.Reason, _abort.Token);
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
            _abort.Cancel();
        }
    }

    private async Task ReceiveLoopAsync()
    {
        try
        {
            while (true)
            {
                // A zero-byte read waits for the next frame without holding a buffer on an idle socket.
                var peek = await _socket.ReceiveAsync(Memory<byte>.Empty, _abort.Token);
                if (peek.MessageType == WebSocketMessageType.Close) return;
                var (frame, rented) = await ReadMessageAsync();
                try
                {
                    if (frame.Kind == FrameKind.Close) return;
                    if (_close is null) await OnFrame(this, frame, _abort.Token);
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(rented);
                }
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
            // The peer vanished or we aborted it: nothing to tell anyone.
        }
    }

    /// <summary>Reads one whole message into a pooled buffer; past the size limit the rest is read and dropped.</summary>
    private async Task<(InFrame Frame, byte[] Rented)> ReadMessageAsync()
    {
        var buffer = ArrayPool<byte>.Shared.Rent(4096);
        var (length, tooLarge) = (0, false);
        while (true)
        {
            if (length == buffer.Length)
            {
                if (length > _options.MaxFrameBytes) (tooLarge, length) = (true, 0);
                else
                {
                    var bigger = ArrayPool<byte>.Shared.Rent(Math.Min(buffer.Length * 2, _options.MaxFrameBytes + 1));
                    buffer.AsSpan(0, length).CopyTo(bigger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = bigger;
                }
            }
            var result = await _socket.ReceiveAsync(buffer.AsMemory(length), _abort.Token);
            if (result.MessageType == WebSocketMessageType.Close) return (new InFrame(FrameKind.Close, default), buffer);
            length += result.Count;
            if (length > _options.MaxFrameBytes) (tooLarge, length) = (true, 0);
            if (!result.EndOfMessage) continue;
            var kind = tooLarge ? FrameKind.TooLarge : result.MessageType == WebSocketMessageType.Binary ? FrameKind.Binary : FrameKind.Text;
            return (new InFrame(kind, kind == FrameKind.Text ? buffer.AsMemory(0, length) : default), buffer);
        }
    }

    private sealed record CloseIntent(WebSocketCloseStatus Status, string Reason, bool Drain);

    [LoggerMessage(LogLevel.Warning, "Closing slow WebSocket of user {UserId} ({ConnectionId}): more than {Size} frames queued")]
    private static partial void LogSlowConsumer(ILogger logger, string userId, string connectionId, int size);
}

public enum FrameKind { Text, Binary, TooLarge, Close }

/// <summary>A received frame: its text when it is a text frame within the size limit.</summary>
public readonly record struct InFrame(FrameKind Kind, ReadOnlyMemory<byte> Text);
