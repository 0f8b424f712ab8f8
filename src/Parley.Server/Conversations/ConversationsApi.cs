using System.Security.Claims;
using Parley.Server.Api;

namespace Parley.Server.Conversations;

public static class ConversationsApi
{
    public const int MembersInList = 20;

    public static RouteGroupBuilder MapConversations(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/conversations").WithTags("Conversations");
        group.MapGet("/", List);
        group.MapPost("/", Create);
        group.MapPost("/1on1", (Body<CreateConversationRequest> body, ClaimsPrincipal user, ConversationService service, CancellationToken ct) =>
            CreateAs(body.Value, ConversationTypes.Direct, user, service, ct));
        group.MapPost("/group", (Body<CreateConversationRequest> body, ClaimsPrincipal user, ConversationService service, CancellationToken ct) =>
            CreateAs(body.Value, ConversationTypes.Group, user, service, ct));
        group.MapGet("/{id}", Get);
        group.MapPut("/{id}", Update);
        group.MapDelete("/{id}", DeleteOrLeave);
        group.MapDelete("/{id}/leave", Leave);
        group.MapPost("/{id}/members", AddMembers);
        group.MapDelete("/{id}/members", RemoveMembers);
        group.MapDelete("/{id}/members/{userId}", RemoveMember);
        group.MapPut("/{id}/members/{userId}/role", SetRole);
        return api;
    }

    public static async Task<IResult> List(string? type, Paging paging, HttpContext http, ClaimsPrincipal user, ConversationStore store,
        ConversationViews views, CancellationToken ct)
    {
        var filter = type is null ? null : ConversationTypes.Normalize(type);
        if (type is not null && filter is null) return Validator.Single("type", "Type must be one of direct, group, channel, ai");
        var me = user.Id();
        var (rows, total) = await store.ListAsync(me, filter, paging.Limit, paging.Offset, ct);
        var members = await store.MembersOfAsync(rows.Select(r => r.Id).ToList(), MembersInList, ct);
        var memberDtos = (await views.MembersAsync(members, me, ct)).Zip(members).ToLookup(p => p.Second.ConversationId, p => p.First);
        var list = rows.Select(r => ConversationViews.Build(r.Conversation(), r.Me(me), r.UnreadCount, r.MemberCount, memberDtos[r.Id].ToList(),
            ConversationViews.LastMessage(r.LmId, r.LastSeq, r.LmSenderId, r.LmType, r.LmContent, r.LmCreatedAt, r.LmDeletedAt))).ToList();
        http.Response.Headers["X-Total-Count"] = total.ToString();
        return Ok.With(list, "Conversations retrieved successfully");
    }

    private static Task<IResult> Create(Body<CreateConversationRequest> body, ClaimsPrincipal user, ConversationService service, CancellationToken ct) =>
        CreateAs(body.Value, null, user, service, ct);

    public static async Task<IResult> CreateAs(CreateConversationRequest request, string? type, ClaimsPrincipal user, ConversationService service, CancellationToken ct)
    {
        if (type == ConversationTypes.Direct && request.Participants().Count == 0)
            return Validator.Single("receiverId", "receiverId is required");
        var spec = request.Validate(type);
        if (!spec.Ok) return spec.Error!.ToResult();
        var outcome = await service.CreateAsync(user.Id(), spec.Value!, ct);
        return outcome.ToResult(r => r.Created
            ? Ok.Created(r.Conversation, $"{Describe(r.Conversation.Type)} created successfully")
            : Ok.With(r.Conversation, "Conversation already exists"));
    }

    private static string Describe(string type) => type switch
    {
        ConversationTypes.Direct => "1-on-1 conversation",
        ConversationTypes.Group => "Group conversation",
        ConversationTypes.Channel => "Channel",
        _ => "AI conversation",
    };

    public static async Task<IResult> Get(string id, ClaimsPrincipal user, ConversationService service, CancellationToken ct) =>
        (await service.GetAsync(user.Id(), id, ct)).ToResult(c => Ok.With(c, "Conversation retrieved successfully"));

    private static async Task<IResult> Update(string id, Body<UpdateConversationRequest> body, ClaimsPrincipal user, ConversationService service, CancellationToken ct)
    {
        var r = body.Value;
        var v = new Validator();
        CreateConversationRequest.Metadata(v, r.Name, r.Description, r.Picture ?? r.GroupPicture);
        v.Check(r.SlowModeSeconds is null or (>= 0 and <= ConversationRequests.MaxSlowModeSeconds), "slowModeSeconds",
            $"slowModeSeconds must be from 0 (off) to {ConversationRequests.MaxSlowModeSeconds}");
        v.Check(r.Name is not null || r.Description is not null || (r.Picture ?? r.GroupPicture) is not null || r.SlowModeSeconds is not null, "body",
            "Send at least one of name, description, group_picture, slowModeSeconds");
        if (v.Failed) return v.Result();
        var outcome = await service.UpdateAsync(user.Id(), id, new ConversationChange(r.Name?.Trim(), r.Description, r.Picture ?? r.GroupPicture, r.SlowModeSeconds), ct);
        return outcome.ToResult(c => Ok.With(c, "Conversation updated successfully"));
    }

    private static async Task<IResult> DeleteOrLeave(string id, ClaimsPrincipal user, ConversationService service, CancellationToken ct) =>
        (await service.DeleteOrLeaveAsync(user.Id(), id, ct)).ToResult(action => Ok.With(
            new { conversationId = id, action, deleted = action == "deleted", left = action == "left" },
            action == "deleted" ? "Conversation deleted successfully" : "Left conversation successfully"));

    private static async Task<IResult> Leave(string id, ClaimsPrincipal user, ConversationService service, CancellationToken ct) =>
        (await service.LeaveAsync(user.Id(), id, ct)).ToResult(_ => Ok.With(
            new { conversationId = id, action = "left", deleted = false, left = true }, "Left conversation successfully"));

    private static async Task<IResult> AddMembers(string id, Body<MembersRequest> body, ClaimsPrincipal user, ConversationService service, CancellationToken ct)
    {
        var ids = body.Value.Ids();
        if (ids.Count == 0) return Validator.Single("user_id", "Send user_id, or members as a list of user ids");
        if (ids.Count > 500) return Validator.Single("members", "At most 500 members at once");
        return (await service.AddMembersAsync(user.Id(), id, ids, ct)).ToResult(c => Ok.With(c, "Members added successfully"));
    }

    private static async Task<IResult> RemoveMembers(string id, Body<MembersRequest> body, ClaimsPrincipal user, ConversationService service, CancellationToken ct)
    {
        var ids = body.Value.Ids();
        if (ids.Count == 0) return Validator.Single("members", "Send members as a list of user ids");
        if (ids.Count > 500) return Validator.Single("members", "At most 500 members at once");
        return (await service.RemoveMembersAsync(user.Id(), id, ids, ct)).ToResult(c => Ok.With(c, "Members removed successfully"));
    }

    private static async Task<IResult> RemoveMember(string id, string userId, ClaimsPrincipal user, ConversationService service, CancellationToken ct) =>
        (await service.RemoveMemberAsync(user.Id(), id, userId, ct)).ToResult(c => Ok.With(c,
            userId == user.Id() ? "Left conversation successfully" : "Member removed successfully"));

    private static async Task<IResult> SetRole(string id, string userId, Body<RoleRequest> body, ClaimsPrincipal user, ConversationService service, CancellationToken ct)
    {
        var role = body.Value.Role?.Trim().ToUpperInvariant();
        if (role is not (Roles.Admin or Roles.Member or Roles.Owner)) return Validator.Single("role", "Role must be ADMIN or MEMBER (or OWNER to hand over ownership)");
        return (await service.SetRoleAsync(user.Id(), id, userId, role, ct)).ToResult(c => Ok.With(c, "Role updated successfully"));
    }
}
