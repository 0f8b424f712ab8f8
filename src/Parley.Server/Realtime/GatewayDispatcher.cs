using System.Net.WebSockets;
using System.Runtime.InteropServices;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Parley.Server.Api;

namespace Parley.Server.Realtime;

/// <summary>
/// Turns each received frame into a call of the named handler in <see cref="GatewayRequestTable"/> and queues
/// its ack. Frames that are not requests (too large, binary, malformed, undecodable text) get an error frame; too many of them
/// close the socket with 1008. An unknown type is an <c>ok:false</c> ack and the socket stays open.
/// </summary>
public sealed partial class GatewayDispatcher(IOptions<GatewayRequestTable> table, IOptions<GatewayOptions> options, IServiceProvider services,
    Presence.UserActivity activity, ILogger<GatewayDispatcher> logger)
{
    private readonly GatewayOptions _options = options.Value;

    public async ValueTask HandleAsync(GatewayConnection connection, InFrame frame, CancellationToken ct)
    {
        if (frame.Kind == FrameKind.TooLarge) { await RejectAsync(connection, "frame_too_large", $"Frames are limited to {_options.MaxFrameBytes} bytes", ct); return; }
        if (frame.Kind == FrameKind.Binary) { await RejectAsync(connection, "invalid_frame", "Frames must be JSON text", ct); return; }

        // Undecodable text (a lone surrogate, invalid UTF-8, NUL) anywhere in the frame is refused before anything reads it.
        if (JsonText.Check(frame.Text.Span) is { } problem)
        {
            var message = problem.Field == "body" ? "The frame is not valid JSON" : $"Invalid frame: '{problem.Field}' {char.ToLowerInvariant(problem.Problem[0])}{problem.Problem[1..]}";
            await RejectAsync(connection, "invalid_json", message, ct);
            return;
        }
        using var document = JsonDocument.Parse(frame.Text);
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("type", out var typeElement) || typeElement.ValueKind != JsonValueKind.String)
        {
            await RejectAsync(connection, "invalid_frame", "A request is {\"type\":…,\"id\":…,\"data\":{…}}", ct);
            return;
        }
        var id = root.TryGetProperty("id", out var idElement) && idElement.ValueKind is JsonValueKind.String or JsonValueKind.Number
            ? JsonMarshal.GetRawUtf8Value(idElement).ToArray() : default(ReadOnlyMemory<byte>);
        var type = typeElement.GetString()!;
        root.TryGetProperty("data", out var data);
        var call = new GatewayCall(connection, type, data, services);
        var outcome = await AnswerAsync(call, null, ct);
        await connection.SendAsync(Frames.Ack(id, outcome), ct);
        call.Acked();
    }

    /// <summary>Answers one request of another transport (Socket.IO) with the same handlers (or <paramref name="handler"/>, a
    /// transport's own name for one); <paramref name="ack"/> queues the answer.</summary>
    public async ValueTask AnswerAsync(IRealtimeConnection connection, string type, JsonElement data, GatewayHandler? handler,
        Func<Outcome<object?>, ValueTask> ack, CancellationToken ct)
    {
        var call = new GatewayCall(connection, type, data, services);
        await ack(await AnswerAsync(call, handler, ct));
        call.Acked();
    }

    private async ValueTask<Outcome<object?>> AnswerAsync(GatewayCall call, GatewayHandler? handler, CancellationToken ct)
    {
        if (handler is null && !table.Value.TryGet(call.Type, out handler))
            return new Failure(400, "unknown_request", $"Unknown request type '{call.Type}'",
                new Dictionary<string, string[]> { ["type"] = [.. table.Value.Types.Order()] });
        if (call.Type != BuiltInRequests.Ping) activity.Touch(call.UserId);
        try
        {
            return await handler(call, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogHandlerFailed(logger, e, call.Type, call.UserId);
            return new Failure(500, "internal_error", "Internal server error");
        }
    }

    private async ValueTask RejectAsync(GatewayConnection connection, string code, string message, CancellationToken ct)
    {
        await connection.SendAsync(Frames.ProblemFrame(code, message), ct);
        if (connection.CountInvalidFrame() >= _options.MaxInvalidFrames)
            connection.Close(WebSocketCloseStatus.PolicyViolation, "Too many invalid frames");
    }

    [LoggerMessage(LogLevel.Error, "Gateway request {Type} from user {UserId} failed")]
    private static partial void LogHandlerFailed(ILogger logger, Exception error, string type, string userId);
}
