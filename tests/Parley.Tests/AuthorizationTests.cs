using System.Text.Json;
using Parley.Tests.Support;

namespace Parley.Tests;

/// <summary>
/// Nobody reaches a conversation they are not in (always 404, never 403: its existence does not leak),
/// nobody acts above their role, and nobody acts as someone else.
/// </summary>
public sealed class AuthorizationTests(ParleyApp app) : IClassFixture<ParleyApp>
{
    private sealed record Scene(TestUser A, TestUser B, TestUser Former, string Group, string Channel, string Direct, string Ai)
    {
        public IEnumerable<string> All => [Group, Channel, Direct, Ai];
    }

    /// <summary>A owns a group and a channel with B; A and B share a direct; A has an AI chat; Former left the group and the channel.</summary>
    private async Task<Scene> SetUpAsync()
    {
        var a = await app.UserAsync("a");
        var b = await app.UserAsync("b");
        var former = await app.UserAsync("former");
        var group = (await a.PostAsync("/api/groups", new { name = "Private group", members = new[] { b.Id, former.Id } })).Expect(201).Str("id");
        var channel = (await a.PostAsync("/api/channels", new { name = "Private channel", members = new[] { b.Id, former.Id } })).Expect(201).Str("id");
        (await a.PutAsync($"/api/conversations/{group}", new { description = "Only for A and B" })).Expect(200);
        var direct = await a.NewDirectAsync(b);
        var ai = (await a.PostAsync("/api/conversations", new { is_ai = true })).Expect(201).Str("id");
        (await former.DeleteAsync($"/api/conversations/{group}/leave")).Expect(200);
        (await former.DeleteAsync($"/api/conversations/{channel}")).Expect(200);
        return new Scene(a, b, former, group, channel, direct, ai);
    }

    /// <summary>Every conversation route, with bodies that would be valid for a member, so a 404 can only mean "not yours".</summary>
    private static IEnumerable<(string What, Func<Task<ApiResponse>> Call)> EveryRoute(TestUser caller, string id, TestUser a, TestUser b)
    {
        yield return ("GET details", () => caller.GetAsync($"/api/conversations/{id}"));
        yield return ("PUT metadata", () => caller.PutAsync($"/api/conversations/{id}", new { name = "Hijacked", description = "x", group_picture = "https://evil.example/p.png" }));
        yield return ("DELETE", () => caller.DeleteAsync($"/api/conversations/{id}"));
        yield return ("DELETE leave", () => caller.DeleteAsync($"/api/conversations/{id}/leave"));
        yield return ("POST members user_id", () => caller.PostAsync($"/api/conversations/{id}/members", new { user_id = caller.Id }));
        yield return ("POST members userId", () => caller.PostAsync($"/api/conversations/{id}/members", new { userId = caller.Id }));
        yield return ("POST members list", () => caller.PostAsync($"/api/conversations/{id}/members", new { members = new[] { caller.Id } }));
        yield return ("DELETE member", () => caller.DeleteAsync($"/api/conversations/{id}/members/{b.Id}"));
        yield return ("DELETE owner", () => caller.DeleteAsync($"/api/conversations/{id}/members/{a.Id}"));
        yield return ("DELETE self", () => caller.DeleteAsync($"/api/conversations/{id}/members/{caller.Id}"));
        yield return ("DELETE members body", () => caller.DeleteAsync($"/api/conversations/{id}/members", new { members = new[] { b.Id } }));
        yield return ("PUT role ADMIN", () => caller.PutAsync($"/api/conversations/{id}/members/{b.Id}/role", new { role = "ADMIN" }));
        yield return ("PUT role self", () => caller.PutAsync($"/api/conversations/{id}/members/{caller.Id}/role", new { role = "ADMIN" }));
        yield return ("PUT role OWNER", () => caller.PutAsync($"/api/conversations/{id}/members/{b.Id}/role", new { role = "OWNER" }));
        yield return ("PUT role demote owner", () => caller.PutAsync($"/api/conversations/{id}/members/{a.Id}/role", new { role = "MEMBER" }));
        foreach (var view in new[] { "/api/groups", "/api/channels" })
        {
            yield return ($"GET {view}", () => caller.GetAsync($"{view}/{id}"));
            yield return ($"PUT {view} toggle", () => caller.PutAsync($"{view}/{id}/members", new { memberId = caller.Id }));
            yield return ($"PUT {view} add", () => caller.PutAsync($"{view}/{id}/members", new { memberId = caller.Id, action = "add" }));
            yield return ($"PUT {view} remove", () => caller.PutAsync($"{view}/{id}/members", new { member_id = b.Id, action = "remove" }));
        }
    }

    private static async Task<string> SnapshotAsync(TestUser viewer, string id)
    {
        var c = (await viewer.GetAsync($"/api/conversations/{id}")).Expect(200);
        var members = string.Join(",", c.MemberRoles().OrderBy(p => p.Key).Select(p => $"{p.Key}={p.Value}"));
        return $"{c.Str("type")}|{Text(c, "name")}|{Text(c, "description")}|{Text(c, "picture")}|{members}";
    }

    private static string Text(JsonElement e, string name) => e.GetProperty(name).ValueKind == JsonValueKind.Null ? "∅" : e.Str(name);

    [Fact]
    public async Task An_outsider_gets_404_on_every_route_and_changes_nothing()
    {
        var s = await SetUpAsync();
        var outsider = await app.UserAsync("c");
        var before = new Dictionary<string, string>();
        foreach (var id in s.All) before[id] = await SnapshotAsync(s.A, id);

        foreach (var id in s.All.Append(Guid.CreateVersion7().ToString()))
            foreach (var (what, call) in EveryRoute(outsider, id, s.A, s.B))
            {
                var response = await call();
                Assert.True(response.Code == 404, $"{what} on {id}: expected 404, got {response.Code}: {response.Root}");
                Assert.Equal("not_found", response.ErrorCode);
            }

        foreach (var id in s.All) Assert.Equal(before[id], await SnapshotAsync(s.A, id));
        Assert.Equal(before[s.Group], await SnapshotAsync(s.B, s.Group));
        Assert.Empty((await outsider.GetAsync("/api/conversations")).Expect(200).EnumerateArray());
        Assert.Empty((await outsider.GetAsync("/api/groups")).Expect(200).EnumerateArray());
        Assert.Empty((await outsider.GetAsync("/api/channels")).Expect(200).EnumerateArray());
    }

    [Fact]
    public async Task The_answer_for_a_hidden_conversation_is_the_same_as_for_one_that_does_not_exist()
    {
        var s = await SetUpAsync();
        var outsider = await app.UserAsync("c");
        var hidden = await outsider.GetAsync($"/api/conversations/{s.Group}");
        var missing = await outsider.GetAsync($"/api/conversations/{Guid.CreateVersion7()}");
        Assert.Equal(missing.Root.GetRawText(), hidden.Root.GetRawText());
    }

    [Fact]
    public async Task A_former_member_gets_404_like_an_outsider()
    {
        var s = await SetUpAsync();
        var before = await SnapshotAsync(s.A, s.Group);
        foreach (var id in new[] { s.Group, s.Channel })
            foreach (var (what, call) in EveryRoute(s.Former, id, s.A, s.B))
            {
                var response = await call();
                Assert.True(response.Code == 404, $"{what} on {id}: expected 404, got {response.Code}: {response.Root}");
            }
        Assert.Equal(before, await SnapshotAsync(s.A, s.Group));
        Assert.DoesNotContain(s.Former.Id, (await s.A.GetAsync($"/api/conversations/{s.Channel}")).Expect(200).MemberRoles().Keys);
    }

    [Fact]
    public async Task A_plain_member_gets_403_for_every_admin_action_and_changes_nothing()
    {
        var s = await SetUpAsync();
        var newcomer = await app.UserAsync("newcomer");
        foreach (var id in new[] { s.Group, s.Channel })
        {
            var before = await SnapshotAsync(s.A, id);
            var view = id == s.Group ? "/api/groups" : "/api/channels";
            var attempts = new (string What, Func<Task<ApiResponse>> Call)[]
            {
                ("PUT metadata", () => s.B.PutAsync($"/api/conversations/{id}", new { name = "Mine now" })),
                ("add member", () => s.B.PostAsync($"/api/conversations/{id}/members", new { user_id = newcomer.Id })),
                ("remove owner", () => s.B.DeleteAsync($"/api/conversations/{id}/members/{s.A.Id}")),
                ("remove owner by body", () => s.B.DeleteAsync($"/api/conversations/{id}/members", new { members = new[] { s.A.Id } })),
                ("promote self", () => s.B.PutAsync($"/api/conversations/{id}/members/{s.B.Id}/role", new { role = "ADMIN" })),
                ("take ownership", () => s.B.PutAsync($"/api/conversations/{id}/members/{s.B.Id}/role", new { role = "OWNER" })),
                ("demote owner", () => s.B.PutAsync($"/api/conversations/{id}/members/{s.A.Id}/role", new { role = "MEMBER" })),
                ("toggle add", () => s.B.PutAsync($"{view}/{id}/members", new { memberId = newcomer.Id })),
                ("toggle remove owner", () => s.B.PutAsync($"{view}/{id}/members", new { memberId = s.A.Id, action = "remove" })),
            };
            foreach (var (what, call) in attempts)
            {
                var response = await call();
                Assert.True(response.Code == 403, $"{what}: expected 403, got {response.Code}: {response.Root}");
                Assert.Equal("forbidden", response.ErrorCode);
            }
            Assert.Equal(before, await SnapshotAsync(s.A, id));
            (await newcomer.GetAsync($"/api/conversations/{id}")).ExpectError(404);
        }
    }

    [Fact]
    public async Task Without_a_token_every_route_but_register_and_login_is_401()
    {
        var s = await SetUpAsync();
        var anonymous = s.A with { Http = app.Http() };
        var routes = EveryRoute(anonymous, s.Group, s.A, s.B).Concat(new (string, Func<Task<ApiResponse>>)[]
        {
            ("GET users", () => anonymous.GetAsync("/api/users")),
            ("GET me", () => anonymous.GetAsync("/api/users/me")),
            ("GET user", () => anonymous.GetAsync($"/api/users/{s.A.Id}")),
            ("PUT user", () => anonymous.PutAsync($"/api/users/{s.A.Id}", new { name = "x" })),
            ("DELETE user", () => anonymous.DeleteAsync($"/api/users/{s.A.Id}")),
            ("GET list", () => anonymous.GetAsync("/api/conversations")),
            ("POST create", () => anonymous.PostAsync("/api/conversations", new { type = "private", participantId = s.B.Id })),
            ("POST 1on1", () => anonymous.PostAsync("/api/conversations/1on1", new { receiverId = s.B.Id })),
            ("POST group", () => anonymous.PostAsync("/api/conversations/group", new { name = "x", members = new[] { s.B.Id } })),
            ("GET groups", () => anonymous.GetAsync("/api/groups")),
            ("POST groups", () => anonymous.PostAsync("/api/groups", new { name = "x" })),
            ("GET channels", () => anonymous.GetAsync("/api/channels")),
            ("POST channels", () => anonymous.PostAsync("/api/channels", new { name = "x" })),
        });
        var before = await SnapshotAsync(s.A, s.Group);
        foreach (var (what, call) in routes)
        {
            var response = await call();
            Assert.True(response.Code == 401, $"{what}: expected 401, got {response.Code}: {response.Root}");
        }
        Assert.Equal(before, await SnapshotAsync(s.A, s.Group));
        (await s.A.GetAsync("/api/users/me")).Expect(200);
    }

    [Fact]
    public async Task Nobody_can_change_or_delete_another_account()
    {
        var a = await app.UserAsync("a");
        var b = await app.UserAsync("b");
        var before = (await b.GetAsync("/api/users/me")).Expect(200).GetRawText();
        foreach (var body in new object[]
                 {
                     new { name = "Owned" }, new { username = $"taken{Guid.NewGuid().ToString("N")[..6]}" }, new { email = "evil@example.com" },
                     new { password = "attacker-password" }, new { profilePicture = "https://evil.example/p.png" },
                 })
            (await a.PutAsync($"/api/users/{b.Id}", body)).ExpectError(403, "forbidden");
        (await a.DeleteAsync($"/api/users/{b.Id}")).ExpectError(403, "forbidden");

        Assert.Equal(before, (await b.GetAsync("/api/users/me")).Expect(200).GetRawText());
        (await b.GetAsync("/api/users/me")).Expect(200); // b's token still works: no password change happened
    }

    [Fact]
    public async Task A_token_only_ever_acts_as_its_own_user()
    {
        var a = await app.UserAsync("a");
        var b = await app.UserAsync("b");
        // Updating "me" through my own id changes me, never anyone named in the body.
        (await a.PutAsync($"/api/users/{a.Id}", new { id = b.Id, userId = b.Id, name = "A renamed" })).Expect(200);
        Assert.Equal("A renamed", (await a.GetAsync("/api/users/me")).Expect(200).Str("name"));
        Assert.Equal("b", (await b.GetAsync("/api/users/me")).Expect(200).Str("name"));
        // A conversation is always created by the caller, whoever the body names.
        var c = (await a.PostAsync("/api/groups", new { name = "Mine", createdBy = b.Id, created_by = b.Id, members = new[] { b.Id } })).Expect(201);
        Assert.Equal(a.Id, c.Str("createdBy"));
        Assert.Equal("OWNER", c.MemberRoles()[a.Id]);
        Assert.Equal("MEMBER", c.MemberRoles()[b.Id]);
    }
}
