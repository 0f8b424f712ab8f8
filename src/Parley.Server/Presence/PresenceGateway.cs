using Parley.Server.Api;

namespace Parley.Server.Presence;

/// <summary>Typing and presence over the socket (DESIGN.md "Client requests"); answered as acks.</summary>
public static class PresenceGateway
{
    public const string TypingStart = "typing:start";
    public const string TypingStop = "typing:stop";
    public const string PresenceSet = "presence:set";

    public static IServiceCollection AddPresenceRequests(this IServiceCollection services) => services
        .AddGatewayRequest<TypingRequest>(TypingStart, StartTypingAsync)
        .AddGatewayRequest<TypingRequest>(TypingStop, StopTypingAsync)
        .AddGatewayRequest<StatusRequest>(PresenceSet, SetPresenceAsync);

    private static async ValueTask<Outcome<object?>> StartTypingAsync(GatewayCall call, CancellationToken ct)
    {
        var body = call.Bind<TypingRequest>();
        if (!body.Ok) return body.Error!;
        return (await call.Get<TypingTracker>().StartAsync(call.UserId, call.Socket.Id, body.Value!.ConversationId, ct)).Boxed();
    }

    private static async ValueTask<Outcome<object?>> StopTypingAsync(GatewayCall call, CancellationToken ct)
    {
        var body = call.Bind<TypingRequest>();
        if (!body.Ok) return body.Error!;
        return (await call.Get<TypingTracker>().StopAsync(call.UserId, body.Value!.ConversationId, ct)).Boxed();
    }

    private static async ValueTask<Outcome<object?>> SetPresenceAsync(GatewayCall call, CancellationToken ct)
    {
        var body = call.Bind<StatusRequest>();
        if (!body.Ok) return body.Error!;
        return (await call.Get<PresenceService>().SetStatusAsync(call.UserId, body.Value!, ct)).Boxed();
    }
}
