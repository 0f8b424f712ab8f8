using System.Security.Claims;
using Parley.Server.Api;

namespace Parley.Server.Conversations;

/// <summary>Seed 002's /groups and /channels: filtered views of conversations of one type.</summary>
public static class GroupsApi
{
    public static RouteGroupBuilder MapGroupsAndChannels(this RouteGroupBuilder api)
    {
        foreach (var (path, type) in new[] { ("/groups", ConversationTypes.Group), ("/channels", ConversationTypes.Channel) })
        {
            var group = api.MapGroup(path).WithTags("Groups and channels");
            group.MapGet("/", (Paging paging, HttpContext http, ClaimsPrincipal user, ConversationStore store, ConversationViews views, CancellationToken ct) =>
                ConversationsApi.List(type, paging, http, user, store, views, ct));
            group.MapPost("/", (Body<CreateConversationRequest> body, ClaimsPrincipal user, ConversationService service, CancellationToken ct) =>
                ConversationsApi.CreateAs(body.Value, type, user, service, ct));
            group.MapGet("/{id}", async (string id, ClaimsPrincipal user, ConversationService service, CancellationToken ct) =>
            {
                var outcome = await service.GetAsync(user.Id(), id, ct);
                if (outcome.Ok && outcome.Value!.Type != type) return Failure.NotFound($"{Title(type)} not found").ToResult();
                return outcome.ToResult(c => Ok.With(c, $"{Title(type)} retrieved successfully"));
            });
            group.MapPut("/{id}/members", (string id, Body<MembersRequest> body, ClaimsPrincipal user, ConversationService service, CancellationToken ct) =>
                ToggleMember(id, type, body.Value, user, service, ct));
        }
        return api;
    }

    /// <summary>{memberId, action?}: add or remove; without an action, removes a member and adds a non-member.</summary>
    private static async Task<IResult> ToggleMember(string id, string type, MembersRequest request, ClaimsPrincipal user, ConversationService service, CancellationToken ct)
    {
        var ids = request.Ids();
        var action = request.Action?.Trim().ToLowerInvariant();
        var v = new Validator();
        v.Check(ids.Count == 1, "memberId", "Send exactly one memberId");
        v.Check(action is null or "add" or "remove", "action", "Action must be add or remove");
        if (v.Failed) return v.Result();

        var current = await service.GetAsync(user.Id(), id, ct);
        if (!current.Ok) return current.Error!.ToResult();
        if (current.Value!.Type != type) return Failure.NotFound($"{Title(type)} not found").ToResult();
        var isMember = current.Value.Members.Any(m => m.UserId == ids[0]);
        if (action == "remove" || (action is null && isMember))
            return (await service.RemoveMemberAsync(user.Id(), id, ids[0], ct)).ToResult(c => Ok.With(c, "Member removed successfully"));
        return (await service.AddMembersAsync(user.Id(), id, ids, ct)).ToResult(c => Ok.With(c, "Member added successfully"));
    }

    private static string Title(string type) => type == ConversationTypes.Group ? "Group" : "Channel";
}
