using System.Buffers;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace Parley.Client;

/// <summary>
/// A WebSocket connection to Parley's gateway: requests answered by acks, and every other frame handed to
/// <see cref="OnFrame"/> as raw UTF-8 (the caller decides how much to parse).
/// </summary>
public sealed class GatewayClient : IAsyncDisposable
{
    private readonly ClientWebSocket _socket;
    private readonly ConcurrentDictionary<string, TaskCompletionSource<JsonElement>> _pending = new();
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly CancellationTokenSource _stop = new();
    private Task _receive = Task.CompletedTask;
    private long _nextId;

    private GatewayClient(ClientWebSocket socket) => _socket = socket;

    public Action<ReadOnlyMemory<byte>>? OnFrame { get; set; }

    public WebSocketState State => _socket.State;

    /// <summary>Connects with ?access_token=; <paramref name="localAddress"/> picks the source address (e.g. 127.0.0.2).</summary>
    public static async Task<GatewayClient> ConnectAsync(Uri server, string token, IPAddress? localAddress = null, CancellationToken ct = default)
    {
        var socket = new ClientWebSocket();
        socket.Options.KeepAliveInterval = TimeSpan.Zero;
        var ws = new UriBuilder(server) { Scheme = server.Scheme == "https" ? "wss" : "ws", Path = "/ws", Query = $"access_token={Uri.EscapeDataString(token)}" }.Uri;
        var handler = new SocketsHttpHandler();
        if (localAddress is not null)
            handler.ConnectCallback = async (context, token) =>
            {
                var s = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                s.Bind(new IPEndPoint(localAddress, 0));
                await s.ConnectAsync(context.DnsEndPoint, token);
                return new NetworkStream(s, ownsSocket: true);
            };
        var invoker = new HttpMessageInvoker(handler);
        try
        {
            await socket.ConnectAsync(ws, invoker, ct);
        }
        catch
        {
            socket.Dispose();
            invoker.Dispose();
            throw;
        }
        var client = new GatewayClient(socket);
        client._receive = client.ReceiveLoopAsync();
        return client;
    }

    public async Task<JsonElement> RequestAsync(string type, object data, CancellationToken ct = default)
    {
        var id = Interlocked.Increment(ref _nextId).ToString();
        var ack = new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[id] = ack;
        var frame = JsonSerializer.SerializeToUtf8Bytes(new { type, id, data }, JsonSerializerOptions.Web);
        await _sendLock.WaitAsync(ct);
        try { await _socket.SendAsync(frame, WebSocketMessageType.Text, true, ct); }
        finally { _sendLock.Release(); }
        using var registration = ct.Register(() => ack.TrySetCanceled());
        return await ack.Task;
    }

    private async Task ReceiveLoopAsync()
    {
        var buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);
        var length = 0;
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                var result = await _socket.ReceiveAsync(buffer.AsMemory(length), _stop.Token);
                if (result.MessageType == WebSocketMessageType.Close) break;
                length += result.Count;
                if (!result.EndOfMessage)
                {
                    if (length == buffer.Length) { var bigger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2); buffer.AsSpan(0, length).CopyTo(bigger); ArrayPool<byte>.Shared.Return(buffer); buffer = bigger; }
                    continue;
                }
                Dispatch(buffer.AsMemory(0, length));
                length = 0;
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or ObjectDisposedException) { }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
            foreach (var pending in _pending.Values) pending.TrySetException(new WebSocketException("connection closed"));
        }
    }

    private static readonly byte[] AckPrefix = Encoding.UTF8.GetBytes("{\"type\":\"ack\"");

    private void Dispatch(ReadOnlyMemory<byte> frame)
    {
        if (frame.Span.StartsWith(AckPrefix))
        {
            using var doc = JsonDocument.Parse(frame);
            var root = doc.RootElement;
            if (root.TryGetProperty("id", out var id) && _pending.TryRemove(id.GetString()!, out var ack))
                ack.TrySetResult(root.Clone());
            return;
        }
        OnFrame?.Invoke(frame);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (_socket.State == WebSocketState.Open)
                await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "bye", CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(2));
        }
        catch (Exception e) when (e is WebSocketException or TimeoutException or OperationCanceledException) { }
        _stop.Cancel();
        try { await _receive.WaitAsync(TimeSpan.FromSeconds(2)); } catch (TimeoutException) { }
        _socket.Dispose();
    }
}
