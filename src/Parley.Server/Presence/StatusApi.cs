using System.Security.Claims;
using Parley.Server.Api;

namespace Parley.Server.Presence;

/// <summary>Seed 002's status endpoints: set my status, read anyone's (invisible users look offline to others).</summary>
public static class StatusApi
{
    public static RouteGroupBuilder MapStatus(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/status").WithTags("Presence");
        group.MapPut("/", Set);
        group.MapGet("/{userId}", Get);
        return api;
    }

    private static async Task<IResult> Set(Body<StatusRequest> body, ClaimsPrincipal user, PresenceService presence, CancellationToken ct) =>
        (await presence.SetStatusAsync(user.Id(), body.Value, ct)).ToResult(s => Ok.With(s, "Status updated successfully"));

    private static async Task<IResult> Get(string userId, ClaimsPrincipal user, PresenceService presence, CancellationToken ct) =>
        (await presence.GetAsync(userId, user.Id(), ct)).ToResult(s => Ok.With(s, "Status retrieved successfully"));
}
