using System.Net.WebSockets;

namespace Parley.Server.SocketIo;

/// <summary>
/// Several nodes without sticky sessions: a request for a session another node holds (its sid names the node) is
/// passed to that node as it came, a long-poll or a POST over HTTP, a WebSocket upgrade as a WebSocket relayed frame
/// by frame. A forwarded request is never forwarded again.
/// </summary>
public sealed partial class SessionForwarder(NodeDirectory nodes, EngineSessions sessions, ILogger<SessionForwarder> logger)
{
    public const string ForwardedHeader = "Parley-SocketIo-Forwarded";
    private static readonly HttpClient Http = new(new SocketsHttpHandler { PooledConnectionIdleTimeout = TimeSpan.FromMinutes(1) })
    {
        Timeout = Timeout.InfiniteTimeSpan,
    };

    /// <summary>The owner's URL when this request should go there, else null (the session is unknown).</summary>
    public async ValueTask<string?> OwnerOfAsync(HttpContext http, string sid)
    {
        if (http.Request.Headers.ContainsKey(ForwardedHeader)) return null;
        if (EngineSessions.NodeKeyOf(sid) is not { } key || key == sessions.NodeKey) return null;
        return await nodes.UrlOfAsync(key);
    }

    public async Task ForwardHttpAsync(HttpContext http, string owner)
    {
        var request = new HttpRequestMessage(new HttpMethod(http.Request.Method), owner + http.Request.Path + http.Request.QueryString);
        request.Headers.Add(ForwardedHeader, "1");
        if (HttpMethods.IsPost(http.Request.Method))
        {
            request.Content = new StreamContent(http.Request.Body);
            if (http.Request.ContentType is { } type) request.Content.Headers.TryAddWithoutValidation("Content-Type", type);
        }
        try
        {
            using var response = await Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, http.RequestAborted);
            http.Response.StatusCode = (int)response.StatusCode;
            if (response.Content.Headers.ContentType is { } contentType) http.Response.ContentType = contentType.ToString();
            await response.Content.CopyToAsync(http.Response.Body, http.RequestAborted);
        }
        catch (HttpRequestException e)
        {
            LogForwardFailed(logger, e, owner);
            if (!http.Response.HasStarted) await EngineErrors.WriteAsync(http, EngineErrors.UnknownSid);
        }
        catch (OperationCanceledException) { }
    }

    /// <summary>Relays an accepted WebSocket to the owner's endpoint until either end closes.</summary>
    public async Task RelayAsync(HttpContext http, WebSocket client, string owner)
    {
        using var upstream = new ClientWebSocket();
        upstream.Options.SetRequestHeader(ForwardedHeader, "1");
        try
        {
            await upstream.ConnectAsync(new Uri(owner.Replace("http", "ws", StringComparison.Ordinal) + http.Request.Path + http.Request.QueryString), http.RequestAborted);
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException)
        {
            LogForwardFailed(logger, e, owner);
            await client.CloseOutputAsync(WebSocketCloseStatus.EndpointUnavailable, "Session unavailable", CancellationToken.None);
            return;
        }
        await Task.WhenAll(PumpAsync(client, upstream), PumpAsync(upstream, client));
    }

    private static async Task PumpAsync(WebSocket from, WebSocket to)
    {
        var buffer = new byte[16 * 1024];
        try
        {
            while (true)
            {
                var result = await from.ReceiveAsync(buffer, CancellationToken.None);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    if (to.State is WebSocketState.Open or WebSocketState.CloseReceived)
                        await to.CloseOutputAsync(result.CloseStatus ?? WebSocketCloseStatus.NormalClosure, result.CloseStatusDescription, CancellationToken.None);
                    return;
                }
                await to.SendAsync(buffer.AsMemory(0, result.Count), result.MessageType, result.EndOfMessage, CancellationToken.None);
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
            from.Abort();
            to.Abort();
        }
    }

    [LoggerMessage(LogLevel.Warning, "Forwarding a Socket.IO request to {Owner} failed")]
    private static partial void LogForwardFailed(ILogger logger, Exception error, string owner);
}
