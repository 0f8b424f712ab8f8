using System.Net.Http.Json;
using Parley.Server.Auth;
using Parley.Tests.Support;

namespace Parley.Tests;

/// <summary>Server administrators: who they are, what only they see, suspensions and the audit log.</summary>
public sealed class AdminTests(AdminApp app) : IClassFixture<AdminApp>
{
    [Fact]
    public async Task The_first_account_and_the_configured_usernames_are_admins_and_nobody_else_sees_the_admin_api()
    {
        Assert.True((await app.Founder.GetAsync("/api/users/me")).Expect(200).GetProperty("isAdmin").GetBoolean());
        Assert.True((await app.Admin.GetAsync("/api/users/me")).Expect(200).GetProperty("isAdmin").GetBoolean());
        var carol = await app.UserAsync("carol");
        Assert.False((await carol.GetAsync("/api/users/me")).Expect(200).GetProperty("isAdmin").GetBoolean());

        foreach (var path in new[] { "/api/admin/users", "/api/admin/audit" })
            (await carol.GetAsync(path)).ExpectError(404);
        (await carol.PutAsync($"/api/admin/users/{app.Founder.Id}/suspension", new { reason = "coup" })).ExpectError(404);
        (await carol.DeleteAsync($"/api/admin/users/{app.Founder.Id}/suspension")).ExpectError(404);

        var listed = (await app.Admin.GetAsync("/api/admin/users?search=carol")).Expect(200);
        var row = Assert.Single(listed.EnumerateArray());
        Assert.Equal($"{carol.Username}@example.com", row.Str("email"));
        Assert.False(row.GetProperty("suspended").GetBoolean());
    }

    [Fact]
    public async Task A_suspension_closes_sockets_4403_fails_every_call_and_login_until_lifted_and_old_tokens_stay_revoked()
    {
        var (dave, erin) = (await app.UserAsync("dave"), await app.UserAsync("erin"));
        var group = await dave.GroupAsync(erin);
        var kept = await dave.SendAsync(group, "before the suspension");
        await using var socket = await dave.OnlineAsync();

        var suspended = (await app.Admin.PutAsync($"/api/admin/users/{dave.Id}/suspension",
            new { until = DateTimeOffset.UtcNow.AddDays(1), reason = "spam" })).Expect(200);
        Assert.True(suspended.GetProperty("suspended").GetBoolean());
        Assert.Equal((System.Net.WebSockets.WebSocketCloseStatus)4403, await socket.ClosedAsync());
        Assert.Equal(Revocations.SuspendedReason, socket.CloseDescription);
        (await dave.GetAsync("/api/users/me")).ExpectError(401);
        (await dave.PostAsync($"/api/conversations/{group}/messages", new { content = "still here?" })).ExpectError(401);
        var login = await ApiResponse.ReadAsync(await app.Http().PostAsJsonAsync("/api/auth/login", new { username = dave.Username, password = "correct-horse" }));
        login.ExpectError(403);
        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, await WsClient.RefusedAsync(app, dave.Token));
        // Their messages stay.
        Assert.Contains(await erin.HistoryAsync(group), m => m.Str("id") == kept.Str("id"));

        (await app.Admin.DeleteAsync($"/api/admin/users/{dave.Id}/suspension")).Expect(200);
        (await app.Admin.DeleteAsync($"/api/admin/users/{dave.Id}/suspension")).Expect(200);
        (await dave.GetAsync("/api/users/me")).ExpectError(401);
        var again = await ApiResponse.ReadAsync(await app.Http().PostAsJsonAsync("/api/auth/login", new { username = dave.Username, password = "correct-horse" }));
        var fresh = again.Expect(200).Str("token");
        (await (dave with { Http = app.Http(fresh) }).GetAsync("/api/users/me")).Expect(200);

        // Each action once in the audit log, with who, what, target, when and why; lifting twice recorded once.
        var audit = (await app.Founder.GetAsync("/api/admin/audit?limit=100")).Expect(200).EnumerateArray()
            .Where(e => e.Str("targetId") == dave.Id).ToList();
        Assert.Equal(["user.unsuspended", "user.suspended"], audit.Select(e => e.Str("action")));
        Assert.All(audit, e => Assert.Equal(app.Admin.Id, e.Str("actorId")));
        Assert.Equal("spam", audit[1].Str("reason"));
        Assert.Equal(AdminApp.NamedAdmin, audit[1].Str("actorUsername"));

        (await app.Admin.PutAsync($"/api/admin/users/{app.Admin.Id}/suspension", new { })).ExpectError(400);
        (await app.Admin.PutAsync($"/api/admin/users/{erin.Id}/suspension", new { until = DateTimeOffset.UtcNow.AddDays(-1) })).ExpectError(400);
        (await app.Admin.PutAsync($"/api/admin/users/{Guid.NewGuid()}/suspension", new { })).ExpectError(404);
    }

    [Fact]
    public async Task An_admin_deletes_any_message_or_conversation_and_the_members_hear_of_it()
    {
        var (fay, gus) = (await app.UserAsync("fay"), await app.UserAsync("gus"));
        var group = await fay.GroupAsync(gus);
        var message = await fay.SendAsync(group, "abuse");
        await using var gusSocket = await gus.OnlineAsync();

        (await app.Admin.DeleteAsync($"/api/admin/messages/{message.Str("id")}?reason=abuse")).Expect(200);
        Assert.Equal(message.Str("id"), (await gusSocket.EventAsync("message:deleted", group)).Data().Str("messageId"));
        (await app.Admin.DeleteAsync($"/api/admin/messages/{message.Str("id")}")).Expect(200);
        (await app.Admin.DeleteAsync($"/api/admin/conversations/{group}")).Expect(200);
        await gusSocket.EventAsync("conversation:deleted", group);
        (await gus.GetAsync($"/api/conversations/{group}")).ExpectError(404);
        (await app.Admin.DeleteAsync($"/api/admin/messages/{Guid.NewGuid()}")).ExpectError(404);

        var audit = (await app.Admin.GetAsync("/api/admin/audit?limit=100")).Expect(200).EnumerateArray().ToList();
        Assert.Single(audit, e => e.Str("action") == "message.deleted" && e.Str("targetId") == message.Str("id"));
        Assert.Single(audit, e => e.Str("action") == "conversation.deleted" && e.Str("targetId") == group);
    }
}
