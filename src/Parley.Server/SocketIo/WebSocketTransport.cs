using System.Buffers;
using System.Net.WebSockets;
using Microsoft.Extensions.Options;

namespace Parley.Server.SocketIo;

/// <summary>
/// The WebSocket transport: one Engine.IO packet per frame, binary messages as binary frames. A session opened on a
/// WebSocket starts with its open packet; a polling session is taken over after the probe (<c>2probe</c> →
/// <c>3probe</c>, a <c>6</c> noop to end the pending poll, then the client's <c>5</c>). A receive loop and a sender that
/// drains the session's queue run until either side closes; a malformed or oversized message closes the session.
/// </summary>
public sealed class WebSocketTransport(IOptions<SocketIoOptions> options)
{
    private static readonly TimeSpan CloseTimeout = TimeSpan.FromSeconds(5);

    public async Task OpenAsync(WebSocket socket, EngineSession session, ReadOnlyMemory<byte> openPacket)
    {
        await socket.SendAsync(openPacket, WebSocketMessageType.Text, true, CancellationToken.None);
        await RunAsync(socket, session);
    }

    public async Task UpgradeAsync(WebSocket socket, EngineSession session)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(4096);
        try
        {
            if (await ReceiveAsync(socket, buffer, 64) is not { } probe || !probe.Text || !buffer.AsSpan(0, probe.Length).SequenceEqual("2probe"u8))
            {
                await CloseAsync(socket, WebSocketCloseStatus.ProtocolError, "Expected 2probe");
                return;
            }
            await socket.SendAsync(EngineFrame.ProbeAnswer.Bytes, WebSocketMessageType.Text, true, CancellationToken.None);
            session.Send(EngineFrame.Noop);
            if (await ReceiveAsync(socket, buffer, 64) is not { } upgrade || !upgrade.Text || !buffer.AsSpan(0, upgrade.Length).SequenceEqual("5"u8))
            {
                session.Close("upgrade failed");
                await CloseAsync(socket, WebSocketCloseStatus.ProtocolError, "Expected 5");
                return;
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException)
        {
            return;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
        session.CompleteUpgrade();
        await RunAsync(socket, session);
    }

    private async Task RunAsync(WebSocket socket, EngineSession session)
    {
        var sender = SendLoopAsync(socket, session);
        var buffer = new ArrayBufferWriter<byte>(4096);
        try
        {
            while (!session.IsClosed)
            {
                buffer.ResetWrittenCount();
                var message = await ReceiveAsync(socket, buffer, options.Value.MaxPayload);
                if (message is null)
                {
                    session.Close(socket.State == WebSocketState.Open ? "payload too large" : "transport close");
                    break;
                }
                var data = buffer.WrittenMemory;
                var valid = message.Value.Text
                    ? EngineCodec.TryParseText(data, out var packet) && await session.ReceiveAsync(packet)
                    : await session.ReceiveAsync(new EnginePacket(EngineType.Message, data, true));
                if (!valid) session.Close("invalid packet");
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException)
        {
            session.Close("transport error");
        }
        await sender;
    }

    private static async Task SendLoopAsync(WebSocket socket, EngineSession session)
    {
        var frames = new List<EngineFrame>();
        try
        {
            while (true)
            {
                await session.WaitAsync();
                frames.Clear();
                session.Drain(frames);
                foreach (var frame in frames)
                    await socket.SendAsync(frame.Bytes, frame.Binary ? WebSocketMessageType.Binary : WebSocketMessageType.Text, true, CancellationToken.None);
                if (frames.Count == 0 && session.IsClosed) break;
            }
            await CloseAsync(socket, WebSocketCloseStatus.NormalClosure, session.CloseReason ?? "");
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
            session.Close("transport error");
            socket.Abort();
        }
    }

    private static async Task CloseAsync(WebSocket socket, WebSocketCloseStatus status, string reason)
    {
        // The receive loop reads the peer's close frame; one that never comes ends the socket after the timeout.
        _ = Task.Delay(CloseTimeout).ContinueWith(static (_, s) => ((WebSocket)s!).Abort(), socket, TaskScheduler.Default);
        try
        {
            if (socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
                await socket.CloseOutputAsync(status, reason.Length > 120 ? reason[..120] : reason, CancellationToken.None);
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException)
        {
            socket.Abort();
        }
    }

    private readonly record struct Received(int Length, bool Text);

    /// <summary>One whole message into <paramref name="buffer"/>; null when the peer closed or it is over <paramref name="limit"/>.</summary>
    private static async Task<Received?> ReceiveAsync(WebSocket socket, byte[] buffer, int limit)
    {
        var length = 0;
        while (true)
        {
            var result = await socket.ReceiveAsync(buffer.AsMemory(length), CancellationToken.None);
            if (result.MessageType == WebSocketMessageType.Close) return null;
            length += result.Count;
            if (result.EndOfMessage) return new Received(length, result.MessageType == WebSocketMessageType.Text);
            if (length >= Math.Min(limit, buffer.Length)) return null;
        }
    }

    private static async Task<Received?> ReceiveAsync(WebSocket socket, ArrayBufferWriter<byte> buffer, int limit)
    {
        while (true)
        {
            var result = await socket.ReceiveAsync(buffer.GetMemory(4096), CancellationToken.None);
            if (result.MessageType == WebSocketMessageType.Close) return null;
            buffer.Advance(result.Count);
            if (buffer.WrittenCount > limit) return null;
            if (result.EndOfMessage) return new Received(buffer.WrittenCount, result.MessageType == WebSocketMessageType.Text);
        }
    }
}
