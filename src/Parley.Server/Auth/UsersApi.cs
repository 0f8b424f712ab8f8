using System.Security.Claims;
using Parley.Server.Api;
using Parley.Server.Presence;
using Parley.Server.Users;

namespace Parley.Server.Auth;

public static class UsersApi
{
    public static RouteGroupBuilder MapUsers(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/users").WithTags("Users");
        group.MapGet("/", Search);
        group.MapGet("/me", (ClaimsPrincipal user, UserStore users, UserPrivacy privacy, CancellationToken ct) =>
            Get(user.Id(), user, users, privacy, ct));
        group.MapGet("/{id}", Get);
        group.MapPut("/{id}", Update);
        group.MapDelete("/{id}", Delete);
        return api;
    }

    private static async Task<IResult> Search(string? search, string? q, Paging paging, HttpContext http, ClaimsPrincipal user,
        UserStore users, UserPrivacy privacy, CancellationToken ct)
    {
        var (rows, total) = await users.SearchAsync(search ?? q, paging, ct);
        http.Response.Headers["X-Total-Count"] = total.ToString();
        return Ok.With(await privacy.ViewAsync(rows, user.Id(), ct: ct), "Users retrieved successfully");
    }

    private static async Task<IResult> Get(string id, ClaimsPrincipal user, UserStore users, UserPrivacy privacy, CancellationToken ct)
    {
        var row = await users.GetAsync(id, ct);
        return row is null ? Failure.UserNotFound.ToResult() : Ok.With(await privacy.ViewAsync(row, user.Id(), ct), "User retrieved successfully");
    }

    /// <summary>"me" stands for the caller's own id on every /users/{id} route.</summary>
    private static string Resolve(string id, ClaimsPrincipal user) => id == "me" ? user.Id() : id;

    private static async Task<IResult> Update(string id, Body<UpdateUserRequest> body, ClaimsPrincipal user, AccountService accounts,
        PresenceTracker presence, CancellationToken ct)
    {
        id = Resolve(id, user);
        var updated = await accounts.UpdateAsync(user.Id(), id, body.Value, ct);
        if (!updated.Ok) return updated.Error!.ToResult();
        var (row, token) = updated.Value!;
        var dto = UserDto.From(row, await presence.StatusOfAsync(row, id, ct));
        return token is null ? Ok.With(dto, "User updated successfully")
            : Ok.With(new AuthResponse(token.Token, "Bearer", token.ExpiresAt, dto), "User updated successfully; other sessions were signed out");
    }

    private static async Task<IResult> Delete(string id, ClaimsPrincipal user, AccountService accounts, CancellationToken ct) =>
        (await accounts.DeleteAsync(user.Id(), Resolve(id, user), ct)).ToResult(_ => Ok.With(new { id = Resolve(id, user), deleted = true }, "User deleted successfully"));
}
