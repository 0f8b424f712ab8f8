using System.Security.Claims;
using Parley.Server.Api;
using Parley.Server.Events;
using Parley.Server.Messages;

namespace Parley.Server.Reactions;

/// <summary>PUT / DELETE /api/conversations/{id}/messages/{messageId}/reactions/{emoji} (the emoji URL-encoded).</summary>
public static class ReactionsApi
{
    public static IServiceCollection AddReactions(this IServiceCollection services) => services
        .AddSingleton<ReactionService>()
        .AddSingleton<IMessageDeletedListener>(sp => sp.GetRequiredService<ReactionService>())
        .AddSingleton<IMessageDecorator, ReactionDecorator>()
        .AddReactionRequests()
        .AddEventType<ReactionEvent>(ReactionEventTypes.Added, "Someone reacted to a message (count: that emoji's count now)")
        .AddEventType<ReactionEvent>(ReactionEventTypes.Removed, "Someone took a reaction back");

    public static RouteGroupBuilder MapReactions(this RouteGroupBuilder api)
    {
        var reactions = api.MapGroup("/conversations/{id}/messages/{messageId}/reactions").WithTags("Reactions");
        reactions.MapPut("/{emoji}", async (string id, string messageId, string emoji, ClaimsPrincipal user, ReactionService service, CancellationToken ct) =>
            (await service.AddAsync(user.Id(), id, messageId, emoji, ct)).ToResult(r => Ok.With(r, r.Changed ? "Reaction added" : "Reaction already there")));
        reactions.MapDelete("/{emoji}", async (string id, string messageId, string emoji, ClaimsPrincipal user, ReactionService service, CancellationToken ct) =>
            (await service.RemoveAsync(user.Id(), id, messageId, emoji, ct)).ToResult(r => Ok.With(r, r.Changed ? "Reaction removed" : "No such reaction of yours")));
        return api;
    }
}
