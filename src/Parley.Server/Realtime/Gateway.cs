using System.Buffers;
using System.Net.WebSockets;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Parley.Server.Api;
using Parley.Server.Auth;
using Parley.Server.Compat;
using Parley.Server.Events;
using Parley.Server.Monitoring;

namespace Parley.Server.Realtime;

public sealed record Ready(string UserId, string ConnectionId, long Cursor, int HeartbeatSeconds);

/// <summary>
/// Accepts a socket: authenticates it (bearer header, ?access_token=, or a first auth frame), registers it,
/// marks the user online and runs it until it closes.
/// </summary>
public sealed partial class Gateway(ConnectionRegistry registry, GatewayDispatcher dispatcher, IConnectionObserver presence,
    EventReplay replay, TokenCheck tokens, ApiKeyCheck apiKeys, SocketSlots slots, CompatSettings profiles, IOptions<GatewayOptions> options,
    IHostApplicationLifetime lifetime, ServerMetrics metrics, ILogger<Gateway> logger)
{
    public const WebSocketCloseStatus Unauthorized = (WebSocketCloseStatus)4401;
    public const WebSocketCloseStatus Forbidden = (WebSocketCloseStatus)4403;

    public static readonly Failure NotYourSocket = Failure.Forbidden("This socket belongs to another user");

    private GatewayOptions Options => options.Value;

    /// <summary>
    /// The gateway's auth rules, for every way in (the connection-level handshake, the HTTP upgrade, a first auth
    /// frame): the token names a live user (or is an API key for its bot), and a socket on /ws/{userId} must be that user's.
    /// </summary>
    public async Task<Outcome<string>> AdmitAsync(string token, string? pathUserId, CancellationToken ct)
    {
        if (ApiKeyScopes.LooksLikeSecret(token)) return await apiKeys.BotOfAsync(token, pathUserId, ct);
        var user = await tokens.UserOfAsync(token, ct);
        if (!user.Ok) return user.Error!;
        return pathUserId is not null && pathUserId != user.Value ? NotYourSocket : user.Value!;
    }

    /// <summary>The HTTP endpoint's way in (<see cref="GatewayHandshake"/> takes most upgrades before HTTP sees them).</summary>
    public async Task<IResult> AcceptAsync(HttpContext http, string? pathUserId)
    {
        string? userId = null;
        var profile = profiles.Choose(http.Request.Query[Profiles.QueryKey]);
        if (!profile.Ok) return profile.Error!.ToResult();
        var token = BearerHandler.ReadToken(http.Request);
        if (token is not null || !http.WebSockets.IsWebSocketRequest)
        {
            if (token is null) return Challenge(http, Failure.Unauthorized("Authentication required: send Authorization: Bearer <token>, ?access_token=, or an auth frame"));
            var user = await AdmitAsync(token, pathUserId, http.RequestAborted);
            if (!user.Ok) return user.Error!.Status == 401 ? Challenge(http, user.Error) : user.Error.ToResult();
            userId = user.Value;
            if (!http.WebSockets.IsWebSocketRequest) return Failure.BadRequest("Expected a WebSocket upgrade request").ToResult();
        }
        if (!slots.TryTake()) return SocketSlots.Full.ToResult();
        try
        {
            using var socket = await http.WebSockets.AcceptWebSocketAsync();
            await ServeAsync(socket, userId, pathUserId, profile.Value, http.Abort);
            return Results.Empty;
        }
        finally
        {
            slots.Return();
        }
    }

    private static IResult Challenge(HttpContext http, Failure failure)
    {
        http.Response.Headers.WWWAuthenticate = "Bearer";
        return failure.ToResult();
    }

    /// <summary>Runs an accepted socket: authenticated already (userId), or by its first frame, then until it closes.</summary>
    /// <param name="abortTransport">Ends the connection under the socket when it has to be aborted (see <see cref="GatewayConnection"/>).</param>
    public async Task ServeAsync(WebSocket socket, string? userId, string? pathUserId, CompatProfile profile, Action? abortTransport = null)
    {
        userId ??= await AuthenticateByFrameAsync(socket, pathUserId);
        if (userId is null) return;
        var connection = new GatewayConnection(socket, userId, Options, logger, abortTransport) { OnFrame = _onFrame, Profile = profile, OnOverflow = metrics.CountOverflow };
        var ready = new Ready(userId, connection.Id, await replay.HeadAsync(), (int)Options.KeepAliveInterval.TotalSeconds);
        connection.Enqueue(ProfileFrames.Message("ready", ready, profile));
        registry.Add(connection);
        // A socket that arrives while the server stops is closed like the others (see _stopping).
        if (lifetime.ApplicationStopping.IsCancellationRequested) connection.Close(WebSocketCloseStatus.EndpointUnavailable, ShuttingDown);
        try
        {
            await presence.ConnectedAsync(userId, connection.Id);
            await connection.RunAsync();
        }
        finally
        {
            registry.Remove(connection);
            await presence.DisconnectedAsync(userId, connection.Id);
        }
    }

    private const string ShuttingDown = "Server shutting down";

    /// <summary>One delegate for every socket, rather than one per socket.</summary>
    private readonly Func<GatewayConnection, InFrame, CancellationToken, ValueTask> _onFrame = dispatcher.HandleAsync;

    /// <summary>On shutdown every socket is closed with 1001 (one registration for all of them, not one each).</summary>
    private readonly CancellationTokenRegistration _stopping = lifetime.ApplicationStopping.Register(static state =>
    {
        foreach (var connection in ((ConnectionRegistry)state!).All()) connection.Close(WebSocketCloseStatus.EndpointUnavailable, ShuttingDown);
    }, registry);

    /// <summary>Waits for <c>{"type":"auth","data":{"token":…}}</c>; anything else, or nothing in time, closes with 4401.</summary>
    private async Task<string?> AuthenticateByFrameAsync(WebSocket socket, string? pathUserId)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(8192);
        try
        {
            var receiving = ReceiveOneAsync(socket, buffer);
            if (await Task.WhenAny(receiving, Task.Delay(Options.AuthTimeout)) != receiving)
                return await RefuseAsync(socket, Unauthorized, "Authentication timed out", receiving);
            var length = await receiving;
            if (length is not { } n || ReadToken(buffer.AsSpan(0, n)) is not { } token)
                return await RefuseAsync(socket, Unauthorized, "The first frame must be {\"type\":\"auth\",\"data\":{\"token\":…}}", null);
            var user = await AdmitAsync(token, pathUserId, CancellationToken.None);
            if (!user.Ok) return await RefuseAsync(socket, user.Error!.Status == 403 ? Forbidden : Unauthorized, user.Error.Message, null);
            return user.Value;
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException)
        {
            return null;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>The length of one text message that fits the buffer, else null.</summary>
    private static async Task<int?> ReceiveOneAsync(WebSocket socket, byte[] buffer)
    {
        var length = 0;
        while (length < buffer.Length)
        {
            var result = await socket.ReceiveAsync(buffer.AsMemory(length), CancellationToken.None);
            if (result.MessageType != WebSocketMessageType.Text) return null;
            length += result.Count;
            if (result.EndOfMessage) return length;
        }
        return null;
    }

    private static string? ReadToken(ReadOnlySpan<byte> frame)
    {
        if (JsonText.Check(frame) is not null) return null;
        try
        {
            var reader = new Utf8JsonReader(frame);
            using var document = JsonDocument.ParseValue(ref reader);
            var root = document.RootElement;
            return root.ValueKind == JsonValueKind.Object && root.TryGetProperty("type", out var type) && type.ValueEquals(BuiltInRequests.Auth)
                && root.TryGetProperty("data", out var data) && data.ValueKind == JsonValueKind.Object
                && data.TryGetProperty("token", out var token) && token.ValueKind == JsonValueKind.String ? token.GetString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private async Task<string?> RefuseAsync(WebSocket socket, WebSocketCloseStatus status, string reason, Task? pendingReceive)
    {
        LogRefused(logger, (int)status, reason);
        using var timeout = new CancellationTokenSource(Options.CloseTimeout);
        try
        {
            await socket.CloseOutputAsync(status, reason, timeout.Token);
            // Wait for the peer's close frame so it sees our code, then let go.
            if (pendingReceive is not null) await pendingReceive.WaitAsync(timeout.Token);
            while (socket.State == WebSocketState.CloseSent)
                await socket.ReceiveAsync(new byte[256], timeout.Token);
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or TimeoutException) { }
        return null;
    }

    [LoggerMessage(LogLevel.Debug, "Refused WebSocket with {Status}: {Reason}")]
    private static partial void LogRefused(ILogger logger, int status, string reason);
}
