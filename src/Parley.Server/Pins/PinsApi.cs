using System.Security.Claims;
using Parley.Server.Api;
using Parley.Server.Events;
using Parley.Server.Messages;

namespace Parley.Server.Pins;

/// <summary>GET /api/conversations/{id}/pins; PUT / DELETE /api/conversations/{id}/pins/{messageId}.</summary>
public static class PinsApi
{
    public static IServiceCollection AddPins(this IServiceCollection services) => services
        .AddSingleton<PinService>()
        .AddSingleton<IMessageDeletedListener>(sp => sp.GetRequiredService<PinService>())
        .AddEventType<PinnedEvent>(PinEventTypes.Pinned, "A message was pinned")
        .AddEventType<UnpinnedEvent>(PinEventTypes.Unpinned, "A message was unpinned (unpinnedBy null: it was deleted)");

    public static RouteGroupBuilder MapPins(this RouteGroupBuilder api)
    {
        var pins = api.MapGroup("/conversations/{id}/pins").WithTags("Pins");
        pins.MapGet("/", async (string id, ClaimsPrincipal user, PinService service, CancellationToken ct) =>
            (await service.ListAsync(user.Id(), id, ct)).ToResult(p => Ok.With(p, "Pinned messages retrieved")));
        pins.MapPut("/{messageId}", async (string id, string messageId, ClaimsPrincipal user, PinService service, CancellationToken ct) =>
            (await service.PinAsync(user.Id(), id, messageId, ct)).ToResult(p => Ok.With(p, p.Changed ? "Message pinned" : "Message already pinned")));
        pins.MapDelete("/{messageId}", async (string id, string messageId, ClaimsPrincipal user, PinService service, CancellationToken ct) =>
            (await service.UnpinAsync(user.Id(), id, messageId, ct)).ToResult(p => Ok.With(p, p.Changed ? "Message unpinned" : "Message was not pinned")));
        return api;
    }
}
