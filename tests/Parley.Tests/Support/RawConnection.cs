using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace Parley.Tests.Support;

/// <summary>An HTTP/1.1 response as it came off the wire.</summary>
public sealed record RawResponse(int Status, IReadOnlyDictionary<string, string> Headers, string Body)
{
    public JsonElement Json => JsonDocument.Parse(Body).RootElement;
    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;
}

/// <summary>
/// A plain TCP connection to the test server, for what real clients do not send: hand-written upgrade requests,
/// pipelined bytes, malformed heads, several requests on one keep-alive connection.
/// </summary>
public sealed class RawConnection : IAsyncDisposable
{
    public const string Key = "dGhlIHNhbXBsZSBub25jZQ==";
    public const string Accept = "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="; // RFC 6455's example answer to Key

    private readonly Socket _socket;
    private readonly NetworkStream _stream;

    private RawConnection(Socket socket) => (_socket, _stream) = (socket, new NetworkStream(socket, ownsSocket: true));

    public static async Task<RawConnection> OpenAsync(ParleyApp app)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(app.BaseAddress.Host, app.BaseAddress.Port);
        return new RawConnection(socket);
    }

    /// <summary>A WebSocket upgrade request as a browser sends it, plus any extra header lines ("Name: value\r\n").</summary>
    public static string Upgrade(string target, string? bearer = null, string extra = "") =>
        $"GET {target} HTTP/1.1\r\nHost: parley.test\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n" +
        $"Sec-WebSocket-Key: {Key}\r\n{(bearer is null ? "" : $"Authorization: Bearer {bearer}\r\n")}{extra}\r\n";

    public static string Get(string target, string extra = "") => $"GET {target} HTTP/1.1\r\nHost: parley.test\r\n{extra}\r\n";

    /// <summary>A client text frame (masked, as RFC 6455 requires of clients).</summary>
    public static byte[] TextFrame(string text)
    {
        var payload = Encoding.UTF8.GetBytes(text);
        var header = payload.Length < 126 ? [0x81, (byte)(0x80 | payload.Length)] : new byte[] { 0x81, 0x80 | 126, (byte)(payload.Length >> 8), (byte)payload.Length };
        byte[] mask = [0x12, 0x34, 0x56, 0x78];
        return [.. header, .. mask, .. payload.Select((b, i) => (byte)(b ^ mask[i % 4]))];
    }

    public Task SendAsync(string text) => SendAsync(Encoding.Latin1.GetBytes(text));

    public async Task SendAsync(byte[] bytes) => await _stream.WriteAsync(bytes);

    /// <summary>Reads one response: the head, and a body by its Content-Length or chunked.</summary>
    public async Task<RawResponse> ReadResponseAsync()
    {
        using var timeout = new CancellationTokenSource(WsClient.DefaultWait);
        var lines = (await ReadLinesAsync("\r\n\r\n", timeout.Token)).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        var headers = lines.Skip(1).Select(l => l.Split(':', 2)).ToDictionary(p => p[0].Trim(), p => p[1].Trim(), StringComparer.OrdinalIgnoreCase);
        var body = new List<byte>();
        if (headers.TryGetValue("Content-Length", out var length)) body.AddRange(await ReadBytesAsync(int.Parse(length), timeout.Token));
        else if (headers.TryGetValue("Transfer-Encoding", out var encoding) && encoding == "chunked")
            while (Convert.ToInt32((await ReadLinesAsync("\r\n", timeout.Token)).Trim(), 16) is var size and > 0)
            {
                body.AddRange(await ReadBytesAsync(size, timeout.Token));
                await ReadLinesAsync("\r\n", timeout.Token);
            }
        if (!headers.ContainsKey("Content-Length") && headers.ContainsKey("Transfer-Encoding")) await ReadLinesAsync("\r\n", timeout.Token);
        return new RawResponse(int.Parse(lines[0].Split(' ')[1]), headers, Encoding.UTF8.GetString([.. body]));
    }

    /// <summary>Bytes up to and including <paramref name="end"/>, one at a time (nothing past it is taken off the stream).</summary>
    private async Task<string> ReadLinesAsync(string end, CancellationToken ct)
    {
        var bytes = new List<byte>();
        var one = new byte[1];
        while (bytes.Count < end.Length || Encoding.Latin1.GetString([.. bytes.TakeLast(end.Length)]) != end)
        {
            if (await _stream.ReadAsync(one, ct) == 0) throw new EndOfStreamException($"Connection closed after {Encoding.Latin1.GetString([.. bytes])}");
            bytes.Add(one[0]);
        }
        return Encoding.Latin1.GetString([.. bytes]);
    }

    private async Task<byte[]> ReadBytesAsync(int count, CancellationToken ct)
    {
        var bytes = new byte[count];
        await _stream.ReadExactlyAsync(bytes, ct);
        return bytes;
    }

    /// <summary>True when the server closes the connection (nothing more to read) within the wait.</summary>
    public async Task<bool> ClosedByServerAsync()
    {
        using var timeout = new CancellationTokenSource(WsClient.DefaultWait);
        var buffer = new byte[4096];
        try
        {
            while (await _stream.ReadAsync(buffer, timeout.Token) > 0) { }
            return true;
        }
        catch (IOException) { return true; }
        catch (OperationCanceledException) { return false; }
    }

    public void ShutdownSend() => _socket.Shutdown(SocketShutdown.Send);

    /// <summary>The client side of a socket whose upgrade this connection has just read.</summary>
    public WebSocket AsWebSocket() => WebSocket.CreateFromStream(_stream, new WebSocketCreationOptions { IsServer = false, KeepAliveInterval = TimeSpan.Zero });

    public async ValueTask DisposeAsync() => await _stream.DisposeAsync();
}

public static class RawWebSocket
{
    /// <summary>The next text message, parsed.</summary>
    public static async Task<JsonElement> ReceiveJsonAsync(this WebSocket socket)
    {
        using var timeout = new CancellationTokenSource(WsClient.DefaultWait);
        var buffer = new byte[64 * 1024];
        var length = 0;
        ValueWebSocketReceiveResult result;
        do
        {
            result = await socket.ReceiveAsync(buffer.AsMemory(length), timeout.Token);
            length += result.Count;
        } while (!result.EndOfMessage);
        Assert.Equal(WebSocketMessageType.Text, result.MessageType);
        return JsonDocument.Parse(buffer.AsMemory(0, length)).RootElement.Clone();
    }

    public static Task SendJsonAsync(this WebSocket socket, object frame) =>
        socket.SendAsync(JsonSerializer.SerializeToUtf8Bytes(frame, JsonSerializerOptions.Web), WebSocketMessageType.Text, true, CancellationToken.None);
}
