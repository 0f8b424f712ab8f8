using System.Security.Claims;
using Parley.Server.Api;
using Parley.Server.Auth;

namespace Parley.Server.Integrations;

public sealed record AppUserRequest(string? Username, string? Email, string? Name, string? ProfilePicture, string? Password);

public sealed record AppTokenRequest(string? UserId, long? Lifetime);

public sealed record AppBotRequest(string? Username, string? DisplayName, string? ProfilePicture);

public sealed record AppConversationRequest(string? OwnerId, string? Type, string? Name, string? Description, string? Picture, List<string>? MemberIds);

public sealed record AppMembersRequest(List<string>? UserIds);

/// <summary>
/// /api/apps: what a product's own server does with a server API key (<c>Authorization: ApiKey &lt;secret&gt;</c>),
/// each group behind the scope it needs: users (accounts and bots), tokens (a user's JWT), conversations (create,
/// members). Bots send through the user routes with <c>Parley-Act-As</c> (see <see cref="ApiKeyHandler"/>).
/// </summary>
public static class AppsApi
{
    public static RouteGroupBuilder MapApps(this RouteGroupBuilder api)
    {
        var apps = api.MapGroup("/apps").WithTags("Apps");

        var users = apps.MapGroup("/").RequireAuthorization(ApiKeyHandler.ScopePolicy(ApiKeyScopes.Users));
        users.MapPost("/users", async (Body<AppUserRequest> body, AppsService service, CancellationToken ct) =>
            (await service.CreateUserAsync(body.Value, ct)).ToResult(u => Ok.Created(u, "User created")));
        users.MapPut("/users/{id}", async (string id, Body<UpdateUserRequest> body, AppsService service, CancellationToken ct) =>
            (await service.UpdateUserAsync(id, body.Value, ct)).ToResult(u => Ok.With(u, "User updated")));
        users.MapPost("/bots", async (Body<AppBotRequest> body, ClaimsPrincipal key, AppsService service, CancellationToken ct) =>
            (await service.CreateBotAsync(KeyId(key), body.Value, ct)).ToResult(u => Ok.Created(u, "Bot created")));
        users.MapGet("/bots", async (ClaimsPrincipal key, AppsService service, CancellationToken ct) =>
            Ok.With(await service.BotsAsync(KeyId(key), ct), "Bots retrieved"));

        apps.MapPost("/tokens", async (Body<AppTokenRequest> body, ClaimsPrincipal key, AppsService service, CancellationToken ct) =>
                (await service.TokenAsync(KeyId(key), body.Value, ct)).ToResult(t => Ok.Created(t, "Token issued")))
            .RequireAuthorization(ApiKeyHandler.ScopePolicy(ApiKeyScopes.Tokens));

        var conversations = apps.MapGroup("/conversations").RequireAuthorization(ApiKeyHandler.ScopePolicy(ApiKeyScopes.Conversations));
        conversations.MapPost("/", async (Body<AppConversationRequest> body, AppsService service, CancellationToken ct) =>
            (await service.CreateConversationAsync(body.Value, ct)).ToResult(c => Ok.Created(c, "Conversation created")));
        conversations.MapPost("/{id}/members", async (string id, Body<AppMembersRequest> body, AppsService service, CancellationToken ct) =>
            (await service.AddMembersAsync(id, body.Value, ct)).ToResult(c => Ok.With(c, "Members added")));
        conversations.MapDelete("/{id}/members/{userId}", async (string id, string userId, AppsService service, CancellationToken ct) =>
            (await service.RemoveMemberAsync(id, userId, ct)).ToResult(c => Ok.With(c, "Member removed")));
        return api;
    }

    private static string KeyId(ClaimsPrincipal key) => key.FindFirstValue(ApiKeyHandler.KeyClaim)!;
}
