using Microsoft.Extensions.Options;
using Parley.Server.Api;
using Parley.Server.Conversations;
using Parley.Server.Presence;

namespace Parley.Server.Realtime;

public sealed record Pong(DateTimeOffset ServerTime);

public sealed record ResumeRequest(long? Since, int? Limit);

/// <summary>What a resume sends after the replayed frames; with Gap nothing was replayed and the client refetches.</summary>
public sealed record ResumeAck(int Count, long Cursor, bool HasMore, bool Gap, string? Message);

/// <summary>The gateway's own requests; features add theirs next to their service with <see cref="GatewayRequests.AddGatewayRequest"/>.</summary>
public static class BuiltInRequests
{
    public static IServiceCollection AddBuiltInGatewayRequests(this IServiceCollection services) => services
        .AddGatewayRequest(RequestTypes.Ping, Ping)
        .AddGatewayRequest(RequestTypes.Auth, (_, _) => ValueTask.FromResult<Outcome<object?>>(Failure.BadRequest("This socket is already authenticated")))
        .AddGatewayRequest(RequestTypes.TypingStart, TypingStart)
        .AddGatewayRequest(RequestTypes.TypingStop, TypingStop)
        .AddGatewayRequest(RequestTypes.PresenceSet, PresenceSet)
        .AddGatewayRequest(RequestTypes.ConversationCreate, ConversationCreate)
        .AddGatewayRequest(RequestTypes.Resume, Resume);

    private static ValueTask<Outcome<object?>> Ping(GatewayCall call, CancellationToken ct) =>
        ValueTask.FromResult<Outcome<object?>>(new Pong(DateTimeOffset.UtcNow));

    private static async ValueTask<Outcome<object?>> TypingStart(GatewayCall call, CancellationToken ct)
    {
        var body = call.Bind<TypingRequest>();
        if (!body.Ok) return body.Error!;
        return (await call.Get<TypingTracker>().StartAsync(call.UserId, call.Connection.Id, body.Value!.ConversationId, ct)).Boxed();
    }

    private static async ValueTask<Outcome<object?>> TypingStop(GatewayCall call, CancellationToken ct)
    {
        var body = call.Bind<TypingRequest>();
        if (!body.Ok) return body.Error!;
        return (await call.Get<TypingTracker>().StopAsync(call.UserId, body.Value!.ConversationId, ct)).Boxed();
    }

    private static async ValueTask<Outcome<object?>> PresenceSet(GatewayCall call, CancellationToken ct)
    {
        var body = call.Bind<StatusRequest>();
        if (!body.Ok) return body.Error!;
        return (await call.Get<PresenceService>().SetStatusAsync(call.UserId, body.Value!, ct)).Boxed();
    }

    /// <summary>The body of POST /api/conversations; the ack carries the conversation (existing direct ones included).</summary>
    private static async ValueTask<Outcome<object?>> ConversationCreate(GatewayCall call, CancellationToken ct)
    {
        var body = call.Bind<CreateConversationRequest>();
        if (!body.Ok) return body.Error!;
        var spec = body.Value!.Validate();
        if (!spec.Ok) return spec.Error!;
        var created = await call.Get<ConversationService>().CreateAsync(call.UserId, spec.Value!, ct);
        return created.Ok ? created.Value.Conversation : created.Error!;
    }

    /// <summary>Replays what this user missed after <c>since</c> as ordinary frames, then acks; live events wait meanwhile.</summary>
    private static async ValueTask<Outcome<object?>> Resume(GatewayCall call, CancellationToken ct)
    {
        var body = call.Bind<ResumeRequest>();
        if (!body.Ok) return body.Error!;
        var options = call.Get<IOptions<GatewayOptions>>().Value;
        var (since, limit) = (body.Value!.Since ?? -1, body.Value.Limit ?? options.ResumeBatch);
        if (since < 0) return Failure.Invalid("since", "since is required: the cursor of the last event you received (0 for none)");
        if (limit is < 1 or > RealtimeApi.MaxSyncLimit) return Failure.Invalid("limit", $"Must be a whole number from 1 to {RealtimeApi.MaxSyncLimit}");

        var connection = call.Connection;
        connection.BeginReplay();
        call.AfterAck(connection.EndReplay);
        var page = await call.Get<EventReplay>().SinceAsync(call.UserId, since, limit, ct);
        await connection.ReplayAsync(page.Events, ct);
        return new ResumeAck(page.Events.Count, page.Cursor, page.HasMore, page.Gap, page.Gap ? SyncPage.GapMessage : null);
    }
}
