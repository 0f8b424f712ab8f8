using System.Security.Claims;
using Parley.Server.Api;

namespace Parley.Server.Moderation;

/// <summary>Moderation inside a conversation: bans and timeouts (slow mode is a conversation setting: PUT /api/conversations/{id}).</summary>
public static class ModerationApi
{
    public static RouteGroupBuilder MapConversationModeration(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/conversations/{id}").WithTags("Moderation");
        group.MapGet("/bans", async (string id, ClaimsPrincipal user, ConversationModeration service, CancellationToken ct) =>
            (await service.BansAsync(user.Id(), id, ct)).ToResult(b => Ok.With(b, "Bans retrieved")));
        group.MapPut("/bans/{userId}", async (string id, string userId, Body<BanRequest> body, ClaimsPrincipal user, ConversationModeration service, CancellationToken ct) =>
            (await service.BanAsync(user.Id(), id, userId, body.Value, ct)).ToResult(b => Ok.With(b, "User banned")));
        group.MapDelete("/bans/{userId}", async (string id, string userId, ClaimsPrincipal user, ConversationModeration service, CancellationToken ct) =>
            (await service.UnbanAsync(user.Id(), id, userId, ct)).ToResult(lifted => Ok.With(new { conversationId = id, userId, lifted }, "Ban lifted")));
        group.MapPut("/members/{userId}/timeout", async (string id, string userId, Body<TimeoutRequest> body, ClaimsPrincipal user,
            ConversationModeration service, CancellationToken ct) =>
            (await service.TimeoutAsync(user.Id(), id, userId, body.Value, ct)).ToResult(t => Ok.With(t, "Timeout set")));
        return api;
    }
}
