using Microsoft.Extensions.Options;
using Parley.Server.Api;
using Parley.Server.Events;

namespace Parley.Server.Realtime;

public sealed record Pong(DateTimeOffset ServerTime);

public sealed record ResumeRequest(long? Since, int? Limit);

/// <summary>What a resume sends after the replayed frames; with Gap nothing was replayed and the client refetches.</summary>
public sealed record ResumeAck(int Count, long Cursor, bool HasMore, bool Gap, string? Message);

/// <summary>The gateway's own requests; features add theirs next to their service with <see cref="GatewayRequests.AddGatewayRequest"/>.</summary>
public static class BuiltInRequests
{
    public const string Auth = "auth";
    public const string Ping = "ping";
    public const string Resume = "resume";

    public static IServiceCollection AddBuiltInGatewayRequests(this IServiceCollection services) => services
        .AddGatewayRequest<System.Text.Json.JsonElement>(Ping, PingAsync)
        .AddGatewayRequest<AuthRequest>(Auth, (_, _) => ValueTask.FromResult<Outcome<object?>>(Failure.BadRequest("This socket is already authenticated")))
        .AddGatewayRequest<ResumeRequest>(Resume, ResumeAsync);

    private static ValueTask<Outcome<object?>> PingAsync(GatewayCall call, CancellationToken ct) =>
        ValueTask.FromResult<Outcome<object?>>(new Pong(DateTimeOffset.UtcNow));

    /// <summary>Replays what this user missed after <c>since</c> as ordinary frames, then acks; live events wait meanwhile.</summary>
    private static async ValueTask<Outcome<object?>> ResumeAsync(GatewayCall call, CancellationToken ct)
    {
        var body = call.Bind<ResumeRequest>();
        if (!body.Ok) return body.Error!;
        var options = call.Get<IOptions<GatewayOptions>>().Value;
        var (since, limit) = (body.Value!.Since ?? -1, body.Value.Limit ?? options.ResumeBatch);
        if (since < 0) return Failure.Invalid("since", "since is required: the cursor of the last event you received (0 for none)");
        if (limit is < 1 or > RealtimeApi.MaxSyncLimit) return Failure.Invalid("limit", $"Must be a whole number from 1 to {RealtimeApi.MaxSyncLimit}");

        var connection = (IRealtimeConnection)call.Socket;
        connection.BeginReplay();
        call.AfterAck(connection.EndReplay);
        var page = await call.Get<EventReplay>().SinceAsync(call.UserId, since, limit, ct);
        await connection.ReplayAsync(page.Events, ct);
        return new ResumeAck(page.Events.Count, page.Cursor, page.HasMore, page.Gap, page.Gap ? SyncPage.GapMessage : null);
    }
}
