using System.Buffers;
using System.Net.WebSockets;

namespace Parley.Server.Realtime;

/// <summary>The receiving half: one zero-byte receive pending while idle; a pooled buffer only while a frame arrives.</summary>
public sealed partial class GatewayConnection
{
    /// <summary>The token handed to requests: made for the first request, cancelled when the socket is aborted.</summary>
    private CancellationToken Aborted
    {
        get
        {
            lock (_gate)
            {
                if (_abortSource is null)
                {
                    _abortSource = new CancellationTokenSource();
                    if (_aborted) _abortSource.Cancel();
                }
                return _abortSource.Token;
            }
        }
    }

    /// <summary>Receives until the peer closes or vanishes (or we abort), then makes sure our close frame went out.</summary>
    public async Task RunAsync()
    {
        try
        {
            while (true)
            {
                // A zero-byte read waits for the next frame without holding a buffer on an idle socket.
                var peek = await _socket.ReceiveAsync(Memory<byte>.Empty, CancellationToken.None);
                if (peek.MessageType == WebSocketMessageType.Close) break;
                var (frame, rented) = await ReadMessageAsync();
                try
                {
                    if (frame.Kind == FrameKind.Close) break;
                    if (_close is null) await OnFrame(this, frame, Aborted);
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
        // The peer closed (or is gone): finish sending our close frame; anything fanned out from now on is dropped.
        Close(WebSocketCloseStatus.NormalClosure, "", drain: false);
        while (true)
        {
            Task progress;
            lock (_gate)
            {
                if (!_sending)
                {
                    _done = true;
                    break;
                }
                progress = ProgressLocked();
            }
            await progress;
        }
        _abortTimer?.Dispose();
        _abortSource?.Dispose();
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
            var result = await _socket.ReceiveAsync(buffer.AsMemory(length), CancellationToken.None);
            if (result.MessageType == WebSocketMessageType.Close) return (new InFrame(FrameKind.Close, default), buffer);
            length += result.Count;
            if (length > _options.MaxFrameBytes) (tooLarge, length) = (true, 0);
            if (!result.EndOfMessage) continue;
            var kind = tooLarge ? FrameKind.TooLarge : result.MessageType == WebSocketMessageType.Binary ? FrameKind.Binary : FrameKind.Text;
            return (new InFrame(kind, kind == FrameKind.Text ? buffer.AsMemory(0, length) : default), buffer);
        }
    }
}
