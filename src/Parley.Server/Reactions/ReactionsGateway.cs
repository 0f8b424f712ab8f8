using Parley.Server.Api;

namespace Parley.Server.Reactions;

/// <summary>reaction:add / reaction:remove {messageId, emoji, conversationId?} over the socket, acked with the REST answer.</summary>
public static class ReactionsGateway
{
    public const string Add = "reaction:add";
    public const string Remove = "reaction:remove";

    public static IServiceCollection AddReactionRequests(this IServiceCollection services) => services
        .AddGatewayRequest<ReactionRequest>(Add, (call, ct) => ChangeAsync(call, add: true, ct))
        .AddGatewayRequest<ReactionRequest>(Remove, (call, ct) => ChangeAsync(call, add: false, ct));

    private static async ValueTask<Outcome<object?>> ChangeAsync(GatewayCall call, bool add, CancellationToken ct)
    {
        var request = call.Bind<ReactionRequest>();
        if (!request.Ok) return request.Error!;
        return (await call.Get<ReactionService>().ChangeAsync(call.UserId, request.Value!, add, ct)).Boxed();
    }
}
