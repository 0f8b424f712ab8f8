using System.Buffers;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace Parley.Bench;

/// <summary>
/// A minimal Socket.IO v4 client on the WebSocket transport, enough to receive: opens the Engine.IO session, joins
/// <c>/</c> with the token, answers pings, and hands every event message (<c>42[…]</c>) to <see cref="OnEvent"/>.
/// </summary>
public sealed class SocketIoReceiver : IAsyncDisposable
{
    private static readonly byte[] Pong = "3"u8.ToArray();
    private readonly ClientWebSocket _socket = new();
    private readonly CancellationTokenSource _stop = new();
    private Task _loop = Task.CompletedTask;

    public Action<ReadOnlyMemory<byte>> OnEvent { get; set; } = _ => { };

    public static async Task<SocketIoReceiver> ConnectAsync(Uri server, string token)
    {
        var receiver = new SocketIoReceiver();
        var ws = new UriBuilder(server) { Scheme = server.Scheme == "https" ? "wss" : "ws", Path = "/socket.io/", Query = "EIO=4&transport=websocket" }.Uri;
        await receiver._socket.ConnectAsync(ws, CancellationToken.None);
        var buffer = new ArrayBufferWriter<byte>(4096);
        await receiver.ReceiveAsync(buffer); // the open packet
        var connect = Encoding.UTF8.GetBytes("40" + JsonSerializer.Serialize(new { token }));
        await receiver._socket.SendAsync(connect, WebSocketMessageType.Text, true, CancellationToken.None);
        buffer.ResetWrittenCount();
        await receiver.ReceiveAsync(buffer);
        if (!buffer.WrittenSpan.StartsWith("40"u8)) throw new InvalidOperationException("Socket.IO connect refused: " + Encoding.UTF8.GetString(buffer.WrittenSpan));
        receiver._loop = receiver.RunAsync();
        return receiver;
    }

    private async Task RunAsync()
    {
        var buffer = new ArrayBufferWriter<byte>(4096);
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                buffer.ResetWrittenCount();
                if (!await ReceiveAsync(buffer)) return;
                var span = buffer.WrittenSpan;
                if (span is [(byte)'2']) await _socket.SendAsync(Pong, WebSocketMessageType.Text, true, _stop.Token);
                else if (span.StartsWith("42"u8)) OnEvent(buffer.WrittenMemory);
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException) { }
    }

    private async Task<bool> ReceiveAsync(ArrayBufferWriter<byte> buffer)
    {
        while (true)
        {
            var result = await _socket.ReceiveAsync(buffer.GetMemory(4096), _stop.Token);
            if (result.MessageType == WebSocketMessageType.Close) return false;
            buffer.Advance(result.Count);
            if (result.EndOfMessage) return true;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try { await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "", CancellationToken.None); }
        catch (WebSocketException) { }
        await _loop;
        _socket.Dispose();
        _stop.Dispose();
    }
}
