using System.Security.Claims;
using Parley.Server.Api;
using Parley.Server.Auth;
using Parley.Server.Messages;
using Parley.Server.Realtime;

namespace Parley.Server.Reactions;

/// <summary>PUT / DELETE /api/conversations/{id}/messages/{messageId}/reactions/{emoji} (the emoji URL-encoded), and the socket's reaction:add / reaction:remove.</summary>
public static class ReactionsApi
{
    public static IServiceCollection AddReactions(this IServiceCollection services) => services
        .AddSingleton<ReactionService>()
        .AddSingleton<IMessageDeletedListener>(sp => sp.GetRequiredService<ReactionService>())
        .AddSingleton<IMessageDecorator, ReactionDecorator>()
        .AddGatewayRequest(ReactionRequests.Add, (call, ct) => ChangeAsync(call, add: true, ct))
        .AddGatewayRequest(ReactionRequests.Remove, (call, ct) => ChangeAsync(call, add: false, ct));

    public static RouteGroupBuilder MapReactions(this RouteGroupBuilder api)
    {
        var reactions = api.MapGroup("/conversations/{id}/messages/{messageId}/reactions").WithTags("Reactions");
        reactions.MapPut("/{emoji}", async (string id, string messageId, string emoji, ClaimsPrincipal user, ReactionService service, CancellationToken ct) =>
            (await service.AddAsync(user.Id(), id, messageId, emoji, ct)).ToResult(r => Ok.With(r, r.Changed ? "Reaction added" : "Reaction already there")));
        reactions.MapDelete("/{emoji}", async (string id, string messageId, string emoji, ClaimsPrincipal user, ReactionService service, CancellationToken ct) =>
            (await service.RemoveAsync(user.Id(), id, messageId, emoji, ct)).ToResult(r => Ok.With(r, r.Changed ? "Reaction removed" : "No such reaction of yours")));
        return api;
    }

    private static async ValueTask<Outcome<object?>> ChangeAsync(GatewayCall call, bool add, CancellationToken ct)
    {
        var request = call.Bind<ReactionRequest>();
        if (!request.Ok) return request.Error!;
        return (await call.Get<ReactionService>().ChangeAsync(call.UserId, request.Value!, add, ct)).Boxed();
    }
}
