using System.Security.Claims;
using Parley.Server.Api;
using Parley.Server.Auth;
using Parley.Server.Data;
using Parley.Server.Safety;
using Parley.Server.Users;

namespace Parley.Server.Moderation;

public sealed record AdminDeleteRequest(string? Reason);

/// <summary>/api/admin: server administrators only; for anyone else the routes do not exist (404).</summary>
public static class AdminApi
{
    public static RouteGroupBuilder MapAdmin(this RouteGroupBuilder api)
    {
        var admin = api.MapGroup("/admin").WithTags("Admin");
        admin.AdminOnly();
        admin.MapGet("/users", ListUsers);
        admin.MapReportQueue();
        admin.MapPut("/users/{id}/suspension", async (string id, Body<SuspendRequest> body, ClaimsPrincipal user, AdminService service, CancellationToken ct) =>
            (await service.SuspendAsync(user.Id(), id, body.Value, ct)).ToResult(u => Ok.With(u, "User suspended")));
        admin.MapDelete("/users/{id}/suspension", async (string id, ClaimsPrincipal user, AdminService service, CancellationToken ct) =>
            (await service.LiftAsync(user.Id(), id, ct)).ToResult(u => Ok.With(u, "Suspension lifted")));
        admin.MapDelete("/messages/{id}", async (string id, string? reason, ClaimsPrincipal user, AdminService service, CancellationToken ct) =>
            (await service.DeleteMessageAsync(user.Id(), id, reason, ct)).ToResult(m => Ok.With(new { id = m, deleted = true }, "Message deleted")));
        admin.MapDelete("/conversations/{id}", async (string id, string? reason, ClaimsPrincipal user, AdminService service, CancellationToken ct) =>
            (await service.DeleteConversationAsync(user.Id(), id, reason, ct)).ToResult(c => Ok.With(new { id = c, deleted = true }, "Conversation deleted")));
        admin.MapGet("/audit", async (string? before, int? limit, Db db, CancellationToken ct) =>
        {
            await using var connection = await db.OpenAsync(ct);
            return Ok.With(await AuditLog.ListAsync(connection, before, Math.Clamp(limit ?? Paging.DefaultLimit, 1, Paging.MaxLimit)), "Audit log retrieved");
        });
        return api;
    }

    private static async Task<IResult> ListUsers(string? search, Paging paging, HttpContext http, UserStore users, CancellationToken ct)
    {
        var (rows, total) = await users.SearchAsync(search, paging, ct);
        http.Response.Headers["X-Total-Count"] = total.ToString();
        var now = Clock.NowMs();
        return Ok.With(rows.Select(u => AdminUserDto.From(u, now)).ToList(), "Users retrieved successfully");
    }
}

public static class AdminOnlyFilter
{
    /// <summary>Server administrators only; for anyone else (an API key too) the routes do not exist (404).</summary>
    public static TBuilder AdminOnly<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter(async (context, next) =>
        {
            var users = context.HttpContext.RequestServices.GetRequiredService<UserStore>();
            var me = context.HttpContext.User.HasClaim(c => c.Type == ApiKeyHandler.KeyClaim) ? null
                : await users.GetAsync(context.HttpContext.User.Id(), context.HttpContext.RequestAborted);
            return me is { IsAdmin: true, IsDeleted: false } ? await next(context) : Failure.NotFound("Not found").ToResult();
        });
}

public static class ModerationSetup
{
    public static IServiceCollection AddModeration(this IServiceCollection services) => services
        .AddSingleton<ServerAdmins>()
        .AddSingleton<AdminService>()
        .AddSingleton<BlockService>()
        .AddSingleton<ReportService>()
        .AddSingleton<ReportQueue>()
        .AddSingleton<ConversationModeration>()
        .AddModerationEvents();

    /// <summary>Marks the accounts named in Admin:Usernames as administrators (after the migrations).</summary>
    public static Task ApplyServerAdminsAsync(this WebApplication app) =>
        app.Services.GetRequiredService<ServerAdmins>().ApplyAsync(app.Services.GetRequiredService<Db>());
}
