using System.Net.Http.Json;
using System.Text.Json;
using Parley.Tests.Support;

namespace Parley.Tests;

public sealed class UsersTests(ParleyApp app) : IClassFixture<ParleyApp>
{
    [Fact]
    public async Task Me_returns_the_caller_without_secrets()
    {
        var alice = await app.UserAsync("alice");
        var response = await alice.GetAsync("/api/users/me");
        var me = response.Expect(200);
        Assert.Equal(alice.Id, me.Str("id"));
        Assert.Equal(alice.Username, me.Str("username"));
        Assert.Equal($"{alice.Username}@example.com", me.Str("email"));
        Assert.Equal("alice", me.Str("name"));
        Assert.False(me.GetProperty("deleted").GetBoolean());
        Assert.False(me.GetProperty("isAgent").GetBoolean());
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$", me.Str("createdAt"));
        AuthTests.AssertNoSecrets(response.Root.GetRawText());
    }

    [Fact]
    public async Task Get_by_id_returns_anyone_404_for_unknown_ids_and_400_for_malformed_ones()
    {
        var alice = await app.UserAsync("alice");
        var bob = await app.UserAsync("bob");
        var seen = (await alice.GetAsync($"/api/users/{bob.Id}")).Expect(200);
        Assert.Equal(bob.Id, seen.Str("id"));
        Assert.Equal(bob.Username, seen.Str("username"));
        (await alice.GetAsync($"/api/users/{Guid.CreateVersion7()}")).ExpectError(404, "not_found");
        (await alice.GetAsync("/api/users/not-a-guid")).ExpectError(400, "validation_failed");
    }

    [Fact]
    public async Task List_searches_by_username_or_name_prefix_ignoring_case_with_paging_and_a_total()
    {
        var tag = Guid.NewGuid().ToString("N")[..6];
        var caller = await app.UserAsync("searcher");
        var created = new List<TestUser>();
        for (var i = 0; i < 5; i++) created.Add(await app.UserAsync($"srch{tag}"));
        var byName = await RegisterAsync($"other{tag}", name: $"Zed{tag} Person");

        var all = await caller.GetAsync($"/api/users?search=SRCH{tag}&limit=2&page=1");
        var page1 = all.Expect(200);
        Assert.Equal("5", all.Raw.Headers.GetValues("X-Total-Count").Single());
        Assert.Equal(2, page1.GetArrayLength());
        var page3 = (await caller.GetAsync($"/api/users?search=srch{tag}&limit=2&page=3")).Expect(200);
        Assert.Single(page3.EnumerateArray());
        var everyone = (await caller.GetAsync($"/api/users?q=srch{tag}")).Expect(200).Ids().ToHashSet();
        Assert.Equal(created.Select(u => u.Id).ToHashSet(), everyone);
        // Pages do not overlap.
        var page2 = (await caller.GetAsync($"/api/users?search=srch{tag}&limit=2&page=2")).Expect(200).Ids();
        Assert.Empty(page1.Ids().Intersect(page2));

        // Name prefix, any case.
        var named = (await caller.GetAsync($"/api/users?search=zed{tag}")).Expect(200);
        Assert.Equal([byName], named.Ids());
        // A prefix, not a substring.
        Assert.Empty((await caller.GetAsync($"/api/users?search=rch{tag}")).Expect(200).EnumerateArray());
        AuthTests.AssertNoSecrets(all.Root.GetRawText());
    }

    [Fact]
    public async Task Search_treats_like_wildcards_and_backslashes_literally()
    {
        var caller = await app.UserAsync("wild");
        foreach (var search in new[] { "%", "_", "\\", "a\\%", "%%%", "'" })
        {
            var response = await caller.GetAsync($"/api/users?search={Uri.EscapeDataString(search)}");
            response.Expect(200);
        }
        // "_" matches only a real underscore, not any character.
        var tag = Guid.NewGuid().ToString("N")[..6];
        var underscored = await RegisterAsync($"u_{tag}");
        await RegisterAsync($"ux{tag}");
        Assert.Equal([underscored], (await caller.GetAsync($"/api/users?search=u_{tag[..3]}")).Expect(200).Ids());
        // "%" in a name is found as itself and matches nothing else.
        var percent = await RegisterAsync($"p{tag}a", name: $"{tag}% Real");
        await RegisterAsync($"p{tag}b", name: $"{tag}0 Fake");
        Assert.Equal([percent], (await caller.GetAsync($"/api/users?search={Uri.EscapeDataString(tag + "%")}")).Expect(200).Ids());
        var slash = await RegisterAsync($"s{tag}", name: $"{tag}\\ back");
        Assert.Equal([slash], (await caller.GetAsync($"/api/users?search={Uri.EscapeDataString(tag + "\\")}")).Expect(200).Ids());
    }

    [Fact]
    public async Task List_without_a_search_pages_through_everyone_and_hides_deleted_users()
    {
        var caller = await app.UserAsync("lister");
        var gone = await app.UserAsync("gone");
        (await gone.DeleteAsync($"/api/users/{gone.Id}")).Expect(200);
        var response = await caller.GetAsync("/api/users?limit=100");
        var ids = response.Expect(200).Ids().ToList();
        Assert.Contains(caller.Id, ids);
        Assert.DoesNotContain(gone.Id, ids);
        Assert.True(long.Parse(response.Raw.Headers.GetValues("X-Total-Count").Single()) >= 1);
    }

    [Theory]
    [InlineData("page=0")]
    [InlineData("page=-1")]
    [InlineData("page=abc")]
    [InlineData("limit=0")]
    [InlineData("limit=ten")]
    [InlineData("limit=1.5")]
    public async Task Bad_paging_is_400(string query)
    {
        var caller = await app.UserAsync("pager");
        var response = await caller.GetAsync($"/api/users?{query}");
        response.ExpectError(400);
        Assert.Contains(query.Split('=')[0], response.Error.Str("message"));
    }

    [Fact]
    public async Task A_limit_above_100_is_capped_at_100()
    {
        var caller = await app.UserAsync("cap");
        var response = await caller.GetAsync("/api/users?limit=100000");
        Assert.InRange(response.Expect(200).GetArrayLength(), 1, 100);
    }

    [Fact]
    public async Task Update_changes_own_profile_fields_and_get_shows_them()
    {
        var alice = await app.UserAsync("alice");
        var username = $"renamed_{Guid.NewGuid().ToString("N")[..6]}";
        var response = await alice.PutAsync($"/api/users/{alice.Id}", new
        {
            username, email = $"{username}@example.org", name = "Alice Renamed", profilePicture = "https://example.com/a.png",
        });
        var updated = response.Expect(200);
        Assert.Equal(username, updated.Str("username"));
        Assert.Equal($"{username}@example.org", updated.Str("email"));
        Assert.Equal("Alice Renamed", updated.Str("name"));
        Assert.Equal("https://example.com/a.png", updated.Str("profilePicture"));
        AuthTests.AssertNoSecrets(response.Root.GetRawText());

        var reread = (await alice.GetAsync($"/api/users/{alice.Id}")).Expect(200);
        Assert.Equal(username, reread.Str("username"));
        Assert.Equal("Alice Renamed", reread.Str("name"));
        // The new username and email sign in; the old username is free again.
        (await LoginAsync(username.ToUpperInvariant())).Expect(200);
        (await LoginAsync($"{username}@example.org")).Expect(200);
        (await LoginAsync(alice.Username)).ExpectError(401);
        (await Register(alice.Username)).Expect(201);
    }

    [Fact]
    public async Task Update_accepts_snake_case_and_a_partial_body_and_leaves_the_rest()
    {
        var alice = await app.UserAsync("alice");
        var updated = (await alice.PutAsync($"/api/users/{alice.Id}", new { profile_picture = "avatars/alice.jpg" })).Expect(200);
        Assert.Equal("avatars/alice.jpg", updated.Str("profilePicture"));
        Assert.Equal(alice.Username, updated.Str("username"));
        Assert.Equal("alice", updated.Str("name"));
        Assert.Equal($"{alice.Username}@example.com", updated.Str("email"));
    }

    [Fact]
    public async Task Me_works_as_the_id_for_update_and_delete_too()
    {
        var alice = await app.UserAsync("alice");
        Assert.Equal("Via me", (await alice.PutAsync("/api/users/me", new { name = "Via me" })).Expect(200).Str("name"));
        Assert.Equal("Via me", (await alice.GetAsync($"/api/users/{alice.Id}")).Expect(200).Str("name"));
        Assert.Equal(alice.Id, (await alice.DeleteAsync("/api/users/me")).Expect(200).Str("id"));
        (await alice.GetAsync("/api/users/me")).ExpectError(401);
    }

    [Fact]
    public async Task An_empty_profile_picture_clears_it()
    {
        var alice = await app.UserAsync("alice");
        (await alice.PutAsync($"/api/users/{alice.Id}", new { profilePicture = "https://example.com/a.png" })).Expect(200);
        var cleared = (await alice.PutAsync($"/api/users/{alice.Id}", new { profilePicture = "" })).Expect(200);
        Assert.Equal(JsonValueKind.Null, cleared.GetProperty("profilePicture").ValueKind);
    }

    [Fact]
    public async Task The_assistant_is_a_user_you_can_look_up_but_not_find_in_search()
    {
        var alice = await app.UserAsync("alice");
        var ai = (await alice.PostAsync("/api/conversations", new { is_ai = true })).Expect(201);
        var agentId = ai.GetProperty("members").EnumerateArray().Single(m => m.GetProperty("isAgent").GetBoolean()).Str("userId");
        var agent = (await alice.GetAsync($"/api/users/{agentId}")).Expect(200);
        Assert.Equal("parley-assistant", agent.Str("username"));
        Assert.True(agent.GetProperty("isAgent").GetBoolean());
        Assert.Empty((await alice.GetAsync("/api/users?search=parley-assistant")).Expect(200).EnumerateArray());
        (await alice.PutAsync($"/api/users/{agentId}", new { name = "Mine" })).ExpectError(403);
        (await alice.DeleteAsync($"/api/users/{agentId}")).ExpectError(403);
    }

    [Fact]
    public async Task Update_can_change_the_case_of_ones_own_username()
    {
        var alice = await app.UserAsync("alice");
        var upper = alice.Username.ToUpperInvariant();
        Assert.Equal(upper, (await alice.PutAsync($"/api/users/{alice.Id}", new { username = upper })).Expect(200).Str("username"));
    }

    [Fact]
    public async Task Update_rejects_bad_fields_naming_each_and_changes_nothing()
    {
        var alice = await app.UserAsync("alice");
        var response = await alice.PutAsync($"/api/users/{alice.Id}",
            new { username = "x", email = "nope", name = "", profilePicture = "javascript:alert(1)", password = "short" });
        response.ExpectFieldErrors(400, "validation_failed", "username", "email", "name", "profilePicture", "password");
        var me = (await alice.GetAsync("/api/users/me")).Expect(200);
        Assert.Equal(alice.Username, me.Str("username"));
        Assert.Equal("alice", me.Str("name"));
    }

    [Fact]
    public async Task Update_to_a_taken_username_or_email_is_409_naming_the_field()
    {
        var alice = await app.UserAsync("alice");
        var bob = await app.UserAsync("bob");
        (await alice.PutAsync($"/api/users/{alice.Id}", new { username = bob.Username.ToUpperInvariant() }))
            .ExpectFieldErrors(409, "conflict", "username");
        (await alice.PutAsync($"/api/users/{alice.Id}", new { email = $"{bob.Username}@EXAMPLE.com" }))
            .ExpectFieldErrors(409, "conflict", "email");
        (await alice.PutAsync($"/api/users/{alice.Id}", new { username = "parley-assistant" }))
            .ExpectFieldErrors(409, "conflict", "username");
        Assert.Equal(alice.Username, (await alice.GetAsync("/api/users/me")).Expect(200).Str("username"));
    }

    [Fact]
    public async Task Update_with_an_empty_email_removes_it()
    {
        var alice = await app.UserAsync("alice");
        var updated = (await alice.PutAsync($"/api/users/{alice.Id}", new { email = "" })).Expect(200);
        Assert.Equal(JsonValueKind.Null, updated.GetProperty("email").ValueKind);
        // The address is free for someone else.
        (await Register($"n{Guid.NewGuid().ToString("N")[..8]}", email: $"{alice.Username}@example.com")).Expect(201);
    }

    [Fact]
    public async Task Nobody_can_update_or_delete_someone_else()
    {
        var alice = await app.UserAsync("alice");
        var bob = await app.UserAsync("bob");
        (await alice.PutAsync($"/api/users/{bob.Id}", new { name = "Hacked" })).ExpectError(403, "forbidden");
        (await alice.PutAsync($"/api/users/{bob.Id}", new { password = "hacked-password" })).ExpectError(403, "forbidden");
        (await alice.DeleteAsync($"/api/users/{bob.Id}")).ExpectError(403, "forbidden");
        var bobNow = (await bob.GetAsync("/api/users/me")).Expect(200);
        Assert.Equal("bob", bobNow.Str("name"));
        (await LoginAsync(bob.Username)).Expect(200);
        // Unknown ids are 404 either way.
        (await alice.PutAsync($"/api/users/{Guid.CreateVersion7()}", new { name = "x" })).ExpectError(404);
        (await alice.DeleteAsync($"/api/users/{Guid.CreateVersion7()}")).ExpectError(404);
    }

    [Fact]
    public async Task Delete_is_a_soft_delete_that_frees_the_username_and_revokes_tokens()
    {
        var alice = await app.UserAsync("alice");
        var bob = await app.UserAsync("bob");
        var deleted = (await alice.DeleteAsync($"/api/users/{alice.Id}")).Expect(200);
        Assert.Equal(alice.Id, deleted.Str("id"));

        var shown = await bob.GetAsync($"/api/users/{alice.Id}");
        var view = shown.Expect(200);
        Assert.Equal("Deleted user", view.Str("name"));
        Assert.True(view.GetProperty("deleted").GetBoolean());
        Assert.Equal(JsonValueKind.Null, view.GetProperty("email").ValueKind);
        Assert.DoesNotContain(alice.Username, shown.Root.GetRawText());

        (await alice.GetAsync("/api/users/me")).ExpectError(401);
        (await alice.DeleteAsync($"/api/users/{alice.Id}")).ExpectError(401);

        // The username and the email can be registered again, by a different account.
        var again = (await Register(alice.Username, email: $"{alice.Username}@example.com")).Expect(201);
        Assert.NotEqual(alice.Id, again.GetProperty("user").Str("id"));
        Assert.Equal(again.GetProperty("user").Str("id"), (await LoginAsync(alice.Username)).Expect(200).GetProperty("user").Str("id"));
    }

    [Fact]
    public async Task Delete_leaves_every_conversation_and_passes_ownership_on()
    {
        var owner = await app.UserAsync("owner");
        var admin = await app.UserAsync("admin");
        var member = await app.UserAsync("member");
        var group = (await owner.PostAsync("/api/conversations", new { type = "group", name = "Team", participantIds = new[] { member.Id, admin.Id } })).Expect(201).Str("id");
        (await owner.PutAsync($"/api/conversations/{group}/members/{admin.Id}/role", new { role = "ADMIN" })).Expect(200);
        var direct = (await owner.PostAsync("/api/conversations", new { type = "private", participantId = member.Id })).Expect(201).Str("id");
        var solo = (await owner.PostAsync("/api/groups", new { name = "Alone", members = Array.Empty<string>() })).Expect(201).Str("id");

        (await owner.DeleteAsync($"/api/users/{owner.Id}")).Expect(200);

        var details = (await member.GetAsync($"/api/conversations/{group}")).Expect(200);
        var members = details.GetProperty("members");
        Assert.DoesNotContain(owner.Id, members.Ids("userId"));
        Assert.Equal("OWNER", members.EnumerateArray().Single(m => m.Str("userId") == admin.Id).Str("role"));
        var directView = (await member.GetAsync($"/api/conversations/{direct}")).Expect(200);
        Assert.Equal([member.Id], directView.GetProperty("members").Ids("userId"));
        // A group left empty is gone.
        var another = await app.UserAsync("another");
        Assert.DoesNotContain(solo, (await another.GetAsync("/api/groups")).Expect(200).Ids());
    }

    [Fact]
    public async Task No_response_about_users_carries_a_secret()
    {
        var alice = await app.UserAsync("alice");
        var bob = await app.UserAsync("bob");
        var group = (await alice.PostAsync("/api/groups", new { name = "Secrets", members = new[] { bob.Id } })).Expect(201).Str("id");
        foreach (var path in new[] { "/api/users", "/api/users/me", $"/api/users/{bob.Id}", "/api/conversations", $"/api/conversations/{group}", "/api/groups" })
            AuthTests.AssertNoSecrets((await alice.GetAsync(path)).Root.GetRawText());
        AuthTests.AssertNoSecrets((await alice.PutAsync($"/api/users/{alice.Id}", new { name = "A" })).Root.GetRawText());
        AuthTests.AssertNoSecrets((await alice.PostAsync($"/api/conversations/{group}/members", new { user_id = (await app.UserAsync("c")).Id })).Root.GetRawText());
        AuthTests.AssertNoSecrets((await bob.DeleteAsync($"/api/users/{bob.Id}")).Root.GetRawText());
    }

    private async Task<ApiResponse> Register(string username, string? email = null, string? name = null) =>
        await ApiResponse.ReadAsync(await app.Http().PostAsJsonAsync("/api/auth/register", new { username, password = "correct-horse", email, name }));

    private async Task<string> RegisterAsync(string username, string? name = null) =>
        (await Register(username, name: name)).Expect(201).GetProperty("user").Str("id");

    private async Task<ApiResponse> LoginAsync(string login) =>
        await ApiResponse.ReadAsync(await app.Http().PostAsJsonAsync("/api/auth/login", new { username = login, password = "correct-horse" }));
}
