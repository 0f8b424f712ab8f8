using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace Parley.Tests.Support;

public enum TokenIn { Header, Query, None }

/// <summary>
/// A real WebSocket client for tests. A pump keeps every received frame in an inbox; tests take the frames
/// they wait for, and <see cref="DrainAsync"/> returns everything that arrived before a ping's ack, which
/// proves (per-socket frames are in order) that nothing else is on its way.
/// </summary>
public sealed class WsClient : IAsyncDisposable
{
    public static readonly TimeSpan DefaultWait = TimeSpan.FromSeconds(15);

    private readonly ClientWebSocket _socket;
    private readonly List<JsonElement> _inbox = [];
    private readonly Lock _gate = new();
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task? _pump;
    private int _ids;

    private WsClient(ClientWebSocket socket) => _socket = socket;

    public WebSocketCloseStatus? CloseStatus { get; private set; }
    public string? CloseDescription { get; private set; }
    public WebSocketState State => _socket.State;

    public static Task<WsClient> ConnectAsync(TestUser user, string? path = null, TokenIn via = TokenIn.Header, bool read = true, int? receiveBufferBytes = null) =>
        ConnectAsync(user.App, user.Token, path ?? "/ws", via, read, receiveBufferBytes);

    public static async Task<WsClient> ConnectAsync(INode app, string? token, string path = "/ws", TokenIn via = TokenIn.Header, bool read = true,
        int? receiveBufferBytes = null)
    {
        var socket = Create(token, via);
        await socket.ConnectAsync(Uri(app, path, token, via), Invoker(receiveBufferBytes), CancellationToken.None);
        var client = new WsClient(socket);
        if (read) client.StartReading();
        return client;
    }

    /// <summary>Connects a client that must be refused before the upgrade, and returns the HTTP status it got.</summary>
    public static async Task<HttpStatusCode> RefusedAsync(INode app, string? token, string path = "/ws", TokenIn via = TokenIn.Header)
    {
        using var socket = Create(token, via);
        var error = await Assert.ThrowsAsync<WebSocketException>(() => socket.ConnectAsync(Uri(app, path, token, via), Invoker(null), CancellationToken.None));
        Assert.NotNull(error);
        return socket.HttpStatusCode;
    }

    private static ClientWebSocket Create(string? token, TokenIn via)
    {
        var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        socket.Options.KeepAliveInterval = TimeSpan.Zero;
        if (token is not null && via == TokenIn.Header) socket.Options.SetRequestHeader("Authorization", $"Bearer {token}");
        return socket;
    }

    private static Uri Uri(INode app, string path, string? token, TokenIn via)
    {
        var query = token is not null && via == TokenIn.Query ? $"?access_token={System.Uri.EscapeDataString(token)}" : "";
        return new Uri($"ws://{app.BaseAddress.Authority}{path}{query}");
    }

    /// <summary>A small receive buffer (set before connecting, so the TCP window stays small) makes a client that never reads back up fast.</summary>
    private static HttpMessageInvoker Invoker(int? receiveBufferBytes) => new(new SocketsHttpHandler
    {
        ConnectCallback = async (context, ct) =>
        {
            var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            if (receiveBufferBytes is { } size) socket.ReceiveBufferSize = size;
            await socket.ConnectAsync(context.DnsEndPoint, ct);
            return new NetworkStream(socket, ownsSocket: true);
        },
    });

    public void StartReading() => _pump ??= Task.Run(PumpAsync);

    private async Task PumpAsync()
    {
        var buffer = new byte[1 << 20];
        try
        {
            while (true)
            {
                var length = 0;
                WebSocketReceiveResult result;
                do
                {
                    result = await _socket.ReceiveAsync(new ArraySegment<byte>(buffer, length, buffer.Length - length), CancellationToken.None);
                    length += result.Count;
                } while (!result.EndOfMessage && result.MessageType != WebSocketMessageType.Close);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    (CloseStatus, CloseDescription) = (result.CloseStatus, result.CloseStatusDescription);
                    if (_socket.State == WebSocketState.CloseReceived)
                        await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "", CancellationToken.None);
                    return;
                }
                var frame = JsonDocument.Parse(buffer.AsMemory(0, length)).RootElement.Clone();
                lock (_gate)
                {
                    _inbox.Add(frame);
                    _changed.TrySetResult();
                    _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
                }
            }
        }
        catch (Exception e) when (e is WebSocketException or ObjectDisposedException or OperationCanceledException) { }
        finally
        {
            _closed.TrySetResult();
            lock (_gate) _changed.TrySetResult();
        }
    }

    /// <summary>The first frame (received or still to come) that matches, taken out of the inbox.</summary>
    public async Task<JsonElement> NextAsync(Func<JsonElement, bool> match, TimeSpan? wait = null) => (await TakeAsync(match, wait)).Frame;

    /// <summary>Waits for a matching frame; takes it and the frames before it out of the inbox.</summary>
    private async Task<(JsonElement Frame, List<JsonElement> Before)> TakeAsync(Func<JsonElement, bool> match, TimeSpan? wait, bool withBefore = false)
    {
        using var timeout = new CancellationTokenSource(wait ?? DefaultWait);
        while (true)
        {
            Task changed;
            lock (_gate)
            {
                var index = _inbox.FindIndex(f => match(f));
                if (index >= 0)
                {
                    var frame = _inbox[index];
                    var before = withBefore ? _inbox.Take(index).ToList() : [];
                    _inbox.RemoveRange(withBefore ? 0 : index, withBefore ? index + 1 : 1);
                    return (frame, before);
                }
                if (_closed.Task.IsCompleted)
                    throw new InvalidOperationException($"Socket closed ({CloseStatus} {CloseDescription}) before the frame came; inbox: {Describe()}");
                changed = _changed.Task;
            }
            try { await changed.WaitAsync(timeout.Token); }
            catch (OperationCanceledException)
            {
                lock (_gate) throw new TimeoutException($"No matching frame; inbox: {Describe()}");
            }
        }
    }

    /// <summary>Waits for a matching frame; returns it with every frame that came before it, in arrival order, all taken out.</summary>
    public async Task<List<JsonElement>> UntilAsync(Func<JsonElement, bool> match, TimeSpan? wait = null)
    {
        var (frame, before) = await TakeAsync(match, wait, withBefore: true);
        return [.. before, frame];
    }

    /// <summary>Every frame in the inbox, in arrival order, taken out (after <see cref="ClosedAsync"/>: all the socket ever got).</summary>
    public List<JsonElement> TakeAll()
    {
        lock (_gate)
        {
            var all = _inbox.ToList();
            _inbox.Clear();
            return all;
        }
    }

    private string Describe() => string.Join(" ", _inbox.Select(f => f.ToString()));

    public Task<JsonElement> NextAsync(string type, TimeSpan? wait = null) => NextAsync(f => f.Str("type") == type, wait);

    /// <summary>The next <paramref name="type"/> event whose data has <c>conversationId</c> (or <c>userId</c>) equal to <paramref name="id"/>.</summary>
    public Task<JsonElement> EventAsync(string type, string id, string field = "conversationId", TimeSpan? wait = null) =>
        NextAsync(f => f.Str("type") == type && f.GetProperty("data").TryGetProperty(field, out var v) && v.ValueKind == JsonValueKind.String && v.GetString() == id, wait);

    public Task SendTextAsync(string text) => _socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, CancellationToken.None);

    /// <summary>A text frame of exactly these bytes (invalid UTF-8 included: the client does not check).</summary>
    public Task SendTextBytesAsync(byte[] bytes) => _socket.SendAsync(bytes, WebSocketMessageType.Text, true, CancellationToken.None);

    public Task SendAsync(string type, object? data, string? id = null) =>
        SendTextAsync(JsonSerializer.Serialize(new { type, id, data }, JsonSerializerOptions.Web));

    /// <summary>Sends a request and returns its ack (other frames stay in the inbox).</summary>
    public async Task<JsonElement> RequestAsync(string type, object? data = null)
    {
        var id = $"r{Interlocked.Increment(ref _ids)}";
        await SendAsync(type, data, id);
        return await NextAsync(f => f.Str("type") == "ack" && f.GetProperty("id").GetString() == id);
    }

    /// <summary>Every frame that arrived before the ack of a ping sent now, in order: all the server had queued for this socket.</summary>
    public async Task<List<JsonElement>> DrainAsync()
    {
        var (ack, before) = await ExchangeAsync("ping");
        Assert.True(ack.GetProperty("ok").GetBoolean());
        return before;
    }

    /// <summary>Sends a request; returns its ack and every frame that arrived before it, in order.</summary>
    public async Task<(JsonElement Ack, List<JsonElement> Before)> ExchangeAsync(string type, object? data = null)
    {
        var id = $"x{Interlocked.Increment(ref _ids)}";
        await SendAsync(type, data, id);
        return await TakeAsync(f => f.Str("type") == "ack" && f.GetProperty("id").GetString() == id, null, withBefore: true);
    }

    public async Task<WebSocketCloseStatus?> ClosedAsync(TimeSpan? wait = null)
    {
        StartReading();
        await _closed.Task.WaitAsync(wait ?? DefaultWait);
        return CloseStatus;
    }

    public async Task CloseAsync()
    {
        if (_socket.State == WebSocketState.Open)
            await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "bye", CancellationToken.None);
        await ClosedAsync();
    }

    /// <summary>Drops the connection without a close handshake, like a phone losing its network.</summary>
    public void Abort() => _socket.Abort();

    public async ValueTask DisposeAsync()
    {
        _socket.Abort();
        if (_pump is not null) await _pump;
        _socket.Dispose();
    }
}
