using System.Security.Claims;
using Microsoft.AspNetCore.Identity;
using Parley.Server.Api;
using Parley.Server.Auth;
using Parley.Server.Conversations;
using Parley.Server.Data;
using Parley.Server.Presence;
using Parley.Server.Realtime;

namespace Parley.Server.Users;

public sealed record UpdateUserRequest(string? Username, string? Email, string? Name, string? ProfilePicture, string? Password, string? CurrentPassword);

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
        return row is null ? ApiError.NotFound("User not found") : Ok.With(await privacy.ViewAsync(row, user.Id(), ct), "User retrieved successfully");
    }

    /// <summary>"me" stands for the caller's own id on every /users/{id} route.</summary>
    private static string Resolve(string id, ClaimsPrincipal user) => id == "me" ? user.Id() : id;

    private static async Task<IResult> Update(string id, Body<UpdateUserRequest> body, ClaimsPrincipal user, UserStore users,
        IPasswordHasher<UserRow> hasher, Revocations revocations, TokenService tokens, PresenceTracker presence, CancellationToken ct)
    {
        id = Resolve(id, user);
        if (id != user.Id()) return await users.GetAsync(id, ct) is null ? ApiError.NotFound("User not found") : ApiError.Forbidden("You can only change your own profile");
        var r = body.Value;
        var v = new Validator();
        UserRules.Username(v, r.Username, required: false);
        UserRules.Email(v, AuthApi.Blank(r.Email));
        UserRules.Name(v, r.Name);
        UserRules.Picture(v, "profilePicture", r.ProfilePicture);
        UserRules.Password(v, r.Password, required: false);
        if (v.Failed) return v.Result();

        var row = await users.GetAsync(id, ct);
        if (row is null || row.IsDeleted) return ApiError.NotFound("User not found");
        // currentPassword is optional (seed 002 clients never send it), but when sent it must be right.
        if (!string.IsNullOrEmpty(r.CurrentPassword) && hasher.VerifyHashedPassword(row, row.PasswordHash, r.CurrentPassword) == PasswordVerificationResult.Failed)
            return Validator.Single("currentPassword", "Current password is incorrect");
        row.Username = r.Username ?? row.Username;
        row.Email = r.Email is null ? row.Email : AuthApi.Blank(r.Email);
        row.Name = r.Name?.Trim() ?? row.Name;
        row.ProfilePicture = r.ProfilePicture is null ? row.ProfilePicture : AuthApi.Blank(r.ProfilePicture);
        var passwordChanged = r.Password is not null;
        if (passwordChanged)
        {
            row.PasswordHash = hasher.HashPassword(row, r.Password!);
            row.SecurityStamp = Guid.NewGuid().ToString("N");
        }
        row.UpdatedAt = Clock.NowMs();
        var taken = await users.UpdateAsync(row, passwordChanged, ct);
        if (taken.Count > 0) return AuthApi.Taken(taken);
        if (!passwordChanged) return Ok.With(UserDto.From(row, await presence.StatusOfAsync(row, id, ct)), "User updated successfully");

        // Every earlier token is revoked now, on every node, and its sockets are closed; the caller continues with the fresh one returned here.
        await revocations.StampChangedAsync(id);
        var token = tokens.Issue(row.Id, row.SecurityStamp);
        return Ok.With(new AuthResponse(token.Token, "Bearer", token.ExpiresAt, UserDto.From(row, await presence.StatusOfAsync(row, id, ct))),
            "User updated successfully; other sessions were signed out");
    }

    private static async Task<IResult> Delete(string id, ClaimsPrincipal user, UserStore users, ConversationService conversations,
        Revocations revocations, Db db, IEventBus bus, CancellationToken ct)
    {
        id = Resolve(id, user);
        if (id != user.Id()) return await users.GetAsync(id, ct) is null ? ApiError.NotFound("User not found") : ApiError.Forbidden("You can only delete your own account");
        var events = new List<ChatEvent>();
        await db.WriteAsync(async (connection, tx) =>
        {
            await conversations.LeaveAllAsync(connection, tx, id, events);
            await users.SoftDeleteAsync(connection, tx, id, Clock.NowMs());
            return true;
        }, ct);
        await revocations.StampChangedAsync(id);
        await bus.PublishAsync(events, ct);
        return Ok.With(new { id, deleted = true }, "User deleted successfully");
    }
}
