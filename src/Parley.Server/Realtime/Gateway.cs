using System.Buffers;
using System.Net.WebSockets;
using System.Text.Json;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using Parley.Server.Api;
using Parley.Server.Auth;
using Parley.Server.Presence;

namespace Parley.Server.Realtime;

public sealed record Ready(string UserId, string ConnectionId, long Cursor, int HeartbeatSeconds);

/// <summary>
/// Accepts a socket: authenticates it (bearer header, ?access_token=, or a first auth frame), registers it,
/// marks the user online and runs it until it closes.
/// </summary>
public sealed partial class Gateway(ConnectionRegistry registry, GatewayDispatcher dispatcher, PresenceService presence, TypingTracker typing,
    EventReplay replay, TokenService tokens, UserStamps stamps, IOptions<GatewayOptions> options, IHostApplicationLifetime lifetime,
    ILogger<Gateway> logger)
{
    public const WebSocketCloseStatus Unauthorized = (WebSocketCloseStatus)4401;
    public const WebSocketCloseStatus Forbidden = (WebSocketCloseStatus)4403;

    private GatewayOptions Options => options.Value;

    public async Task<IResult> AcceptAsync(HttpContext http, string? pathUserId)
    {
        string? userId = null;
        if (BearerHandler.ReadToken(http.Request) is not null || !http.WebSockets.IsWebSocketRequest)
        {
            var auth = await http.AuthenticateAsync(BearerHandler.SchemeName);
            if (!auth.Succeeded)
            {
                http.Response.Headers.WWWAuthenticate = "Bearer";
                return ApiError.Unauthorized(auth.Failure?.Message ?? "Authentication required: send Authorization: Bearer <token>, ?access_token=, or an auth frame");
            }
            userId = auth.Principal.Id();
            if (pathUserId is not null && pathUserId != userId) return ApiError.Forbidden("This socket belongs to another user");
            if (!http.WebSockets.IsWebSocketRequest) return ApiError.BadRequest("Expected a WebSocket upgrade request");
        }

        using var socket = await http.WebSockets.AcceptWebSocketAsync();
        if (userId is null)
        {
            userId = await AuthenticateByFrameAsync(socket, pathUserId);
            if (userId is null) return Results.Empty;
        }
        await RunAsync(socket, userId);
        return Results.Empty;
    }

    private async Task RunAsync(WebSocket socket, string userId)
    {
        var connection = new GatewayConnection(socket, userId, Options, logger) { OnFrame = dispatcher.HandleAsync };
        connection.Enqueue(Frames.Message("ready", new Ready(userId, connection.Id, await replay.HeadAsync(), (int)Options.KeepAliveInterval.TotalSeconds)));
        registry.Add(connection);
        try
        {
            await presence.ConnectedAsync(userId);
            await connection.RunAsync(lifetime.ApplicationStopping);
        }
        finally
        {
            registry.Remove(connection);
            await typing.DisconnectedAsync(connection.Id);
            presence.Disconnected(userId);
        }
    }

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
            if (tokens.Validate(token) is not { } claims || !await stamps.IsCurrentAsync(claims.UserId, claims.Stamp, CancellationToken.None))
                return await RefuseAsync(socket, Unauthorized, "Invalid or expired token", null);
            if (pathUserId is not null && pathUserId != claims.UserId)
                return await RefuseAsync(socket, Forbidden, "This socket belongs to another user", null);
            return claims.UserId;
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
        try
        {
            var reader = new Utf8JsonReader(frame);
            using var document = JsonDocument.ParseValue(ref reader);
            var root = document.RootElement;
            return root.ValueKind == JsonValueKind.Object && root.TryGetProperty("type", out var type) && type.ValueEquals(RequestTypes.Auth)
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
