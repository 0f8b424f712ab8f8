using System.Text.Json;
using Microsoft.Extensions.Options;
using Parley.Server.Realtime;

namespace Parley.Server.SocketIo;

/// <summary>The open packet's data (engine.io-protocol, "Handshake").</summary>
public sealed record EngineHandshake(string Sid, string[] Upgrades, int PingInterval, int PingTimeout, int MaxPayload);

/// <summary>
/// <c>/socket.io/</c>: checks <c>EIO=4</c> and the transport, answers CORS, opens sessions (a polling GET or a
/// WebSocket without sid) and hands requests for a session to its transport, or to the node holding it.
/// </summary>
public sealed class SocketIoEndpoint(EngineSessions sessions, PollingTransport polling, WebSocketTransport websocket, SessionForwarder forwarder,
    SocketSlots slots, IOptions<SocketIoOptions> options)
{
    private static readonly string[] WebSocketUpgrade = ["websocket"];

    public async Task HandleAsync(HttpContext http)
    {
        if (!ApplyCors(http)) return;
        var query = http.Request.Query;
        if (query["EIO"] != "4") { await EngineErrors.WriteAsync(http, EngineErrors.UnsupportedVersion); return; }
        var transport = query["transport"].ToString();
        var isWebSocket = http.WebSockets.IsWebSocketRequest;
        if (transport is not ("polling" or "websocket")) { await EngineErrors.WriteAsync(http, EngineErrors.UnknownTransport); return; }
        if (isWebSocket != (transport == "websocket")) { await EngineErrors.WriteAsync(http, EngineErrors.BadRequest); return; }

        var sid = query["sid"].ToString();
        if (sid.Length == 0)
        {
            if (isWebSocket) await OpenWebSocketAsync(http);
            else if (HttpMethods.IsGet(http.Request.Method)) await OpenPollingAsync(http);
            else await EngineErrors.WriteAsync(http, EngineErrors.BadHandshakeMethod);
            return;
        }
        if (sessions.Find(sid) is not { } session)
        {
            if (await forwarder.OwnerOfAsync(http, sid) is not { } owner) await EngineErrors.WriteAsync(http, EngineErrors.UnknownSid);
            else if (isWebSocket) await WithSocketAsync(http, socket => forwarder.RelayAsync(http, socket, owner));
            else await forwarder.ForwardHttpAsync(http, owner);
            return;
        }
        if (isWebSocket)
        {
            // A second WebSocket for a session is accepted and closed at once, as the protocol test suite expects.
            await WithSocketAsync(http, socket => session.TryBeginUpgrade()
                ? websocket.UpgradeAsync(socket, session)
                : socket.CloseAsync(System.Net.WebSockets.WebSocketCloseStatus.PolicyViolation, "Session already upgraded", http.RequestAborted));
        }
        else if (HttpMethods.IsGet(http.Request.Method)) await polling.PollAsync(http, session);
        else if (HttpMethods.IsPost(http.Request.Method)) await polling.PostAsync(http, session);
        else await EngineErrors.WriteAsync(http, EngineErrors.BadRequest);
    }

    private async Task OpenPollingAsync(HttpContext http)
    {
        var session = sessions.Open(EngineTransport.Polling, RequestOf(http));
        var open = OpenPacket(session, WebSocketUpgrade);
        http.Response.ContentType = "text/plain; charset=UTF-8";
        await http.Response.Body.WriteAsync(open);
    }

    private Task OpenWebSocketAsync(HttpContext http) => WithSocketAsync(http, socket =>
    {
        var session = sessions.Open(EngineTransport.WebSocket, RequestOf(http));
        return websocket.OpenAsync(socket, session, OpenPacket(session, []));
    });

    private async Task WithSocketAsync(HttpContext http, Func<System.Net.WebSockets.WebSocket, Task> run)
    {
        if (!slots.TryTake())
        {
            await SocketSlots.Full.ToResult().ExecuteAsync(http);
            return;
        }
        try
        {
            using var socket = await http.WebSockets.AcceptWebSocketAsync();
            await run(socket);
        }
        finally
        {
            slots.Return();
        }
    }

    private byte[] OpenPacket(EngineSession session, string[] upgrades)
    {
        var o = options.Value;
        var handshake = new EngineHandshake(session.Sid, upgrades, (int)o.PingInterval.TotalMilliseconds, (int)o.PingTimeout.TotalMilliseconds, o.MaxPayload);
        return [EngineType.Open, .. JsonSerializer.SerializeToUtf8Bytes(handshake, SocketIoJson.Options)];
    }

    private static SessionRequest RequestOf(HttpContext http)
    {
        var header = http.Request.Headers.Authorization.ToString();
        var headerToken = header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header[7..].Trim() : null;
        var query = http.Request.Query;
        return new SessionRequest(query["token"].ToString() is { Length: > 0 } t ? t : null, headerToken,
            query["profile"].ToString() is { Length: > 0 } p ? p : null);
    }

    /// <summary>Cross-origin callers listed in <c>SocketIo:CorsOrigins</c> get the CORS headers; a preflight is answered here
    /// (false: the request is done).</summary>
    private bool ApplyCors(HttpContext http)
    {
        var origin = http.Request.Headers.Origin.ToString();
        var allowed = origin.Length > 0 && options.Value.CorsOrigins.Any(o => o == "*" || string.Equals(o, origin, StringComparison.OrdinalIgnoreCase));
        if (allowed)
        {
            var headers = http.Response.Headers;
            headers.AccessControlAllowOrigin = origin;
            headers.AccessControlAllowCredentials = "true";
            headers.Vary = "Origin";
        }
        if (!HttpMethods.IsOptions(http.Request.Method)) return true;
        if (allowed)
        {
            http.Response.Headers.AccessControlAllowMethods = "GET, POST";
            http.Response.Headers.AccessControlAllowHeaders = http.Request.Headers.AccessControlRequestHeaders.ToString() is { Length: > 0 } h ? h : "content-type";
        }
        http.Response.StatusCode = StatusCodes.Status204NoContent;
        return false;
    }
}
