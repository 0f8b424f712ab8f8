using System.Text.Json;
using Parley.Tests.Support;

namespace Parley.Tests;

public static class ConversationJson
{
    /// <summary>userId → role of a conversation's members.</summary>
    public static Dictionary<string, string> MemberRoles(this JsonElement conversation) =>
        conversation.GetProperty("members").EnumerateArray().ToDictionary(m => m.Str("userId"), m => m.Str("role"));

    public static async Task<string> NewGroupAsync(this TestUser owner, string name, params TestUser[] members) =>
        (await owner.PostAsync("/api/conversations", new { type = "group", name, participantIds = members.Select(m => m.Id) })).Expect(201).Str("id");

    public static async Task<string> NewDirectAsync(this TestUser caller, TestUser other) =>
        (await caller.PostAsync("/api/conversations", new { type = "private", participantId = other.Id })).Expect(201).Str("id");
}

public sealed class ConversationsTests(ParleyApp app) : IClassFixture<ParleyApp>
{
    // ---- direct ----

    [Fact]
    public async Task A_direct_conversation_is_created_once_and_every_way_of_asking_returns_it()
    {
        var alice = await app.UserAsync("alice");
        var bob = await app.UserAsync("bob");
        var created = await alice.PostAsync("/api/conversations", new { type = "private", participantId = bob.Id });
        var first = created.Expect(201);
        var id = first.Str("id");
        Assert.Equal("direct", first.Str("type"));
        Assert.Equal(new Dictionary<string, string> { [alice.Id] = "MEMBER", [bob.Id] = "MEMBER" }, first.MemberRoles());
        Assert.Equal("MEMBER", first.Str("myRole"));
        Assert.False(first.GetProperty("isGroup").GetBoolean());

        var again = new (TestUser Caller, string Path, object Body)[]
        {
            (alice, "/api/conversations", new { type = "private", participantId = bob.Id }),
            (bob, "/api/conversations", new { type = "private", participantId = alice.Id }),
            (alice, "/api/conversations", new { participant_id = bob.Id }),
            (bob, "/api/conversations", new { type = "direct", participant_id = alice.Id }),
            (alice, "/api/conversations", new { user_ids = new[] { bob.Id }, is_group = false }),
            (alice, "/api/conversations", new { user_ids = new[] { alice.Id, bob.Id }, is_group = false }),
            (alice, "/api/conversations/1on1", new { receiverId = bob.Id }),
            (bob, "/api/conversations/1on1", new { receiver_id = alice.Id }),
        };
        foreach (var (caller, path, body) in again)
        {
            var response = await caller.PostAsync(path, body);
            Assert.Equal(id, response.Expect(200).Str("id"));
            Assert.Equal(2, response.Data.GetProperty("members").GetArrayLength());
        }
        // Still exactly one conversation for each of them.
        Assert.Equal([id], (await alice.GetAsync("/api/conversations")).Expect(200).Ids());
        Assert.Equal([id], (await bob.GetAsync("/api/conversations")).Expect(200).Ids());
    }

    [Fact]
    public async Task Both_sides_opening_a_direct_conversation_at_once_get_one_conversation()
    {
        var alice = await app.UserAsync("alice");
        var bob = await app.UserAsync("bob");
        var calls = Enumerable.Range(0, 8).Select(i => i % 2 == 0
            ? alice.PostAsync("/api/conversations", new { type = "private", participantId = bob.Id })
            : bob.PostAsync("/api/conversations/1on1", new { receiverId = alice.Id }));
        var responses = await Task.WhenAll(calls);
        Assert.Single(responses, r => r.Code == 201);
        Assert.All(responses, r => Assert.True(r.Code is 200 or 201, r.Root.ToString()));
        Assert.Single(responses.Select(r => r.Data.Str("id")).Distinct());
        Assert.Single((await alice.GetAsync("/api/conversations")).Expect(200).EnumerateArray());
    }

    [Fact]
    public async Task Direct_conversation_mistakes_are_400_or_404()
    {
        var alice = await app.UserAsync("alice");
        var bob = await app.UserAsync("bob");
        var carol = await app.UserAsync("carol");
        (await alice.PostAsync("/api/conversations", new { type = "private", participantId = alice.Id })).ExpectError(400);
        (await alice.PostAsync("/api/conversations/1on1", new { receiverId = alice.Id })).ExpectError(400);
        (await alice.PostAsync("/api/conversations/1on1", new { })).ExpectFieldErrors(400, "validation_failed", "receiverId");
        (await alice.PostAsync("/api/conversations", new { type = "private" })).ExpectError(400);
        (await alice.PostAsync("/api/conversations", new { type = "private", participantIds = new[] { bob.Id, carol.Id } })).ExpectError(400);
        (await alice.PostAsync("/api/conversations", new { type = "private", participantId = Guid.CreateVersion7().ToString() })).ExpectError(404, "not_found");
        (await alice.PostAsync("/api/conversations/1on1", new { receiverId = "nobody" })).ExpectError(404, "not_found");
        (await alice.PostAsync("/api/conversations", new { type = "weird", participantId = bob.Id })).ExpectFieldErrors(400, "validation_failed", "type");
        Assert.Empty((await alice.GetAsync("/api/conversations")).Expect(200).EnumerateArray());
    }

    [Fact]
    public async Task A_direct_conversation_with_a_deleted_user_or_the_agent_is_404()
    {
        var alice = await app.UserAsync("alice");
        var gone = await app.UserAsync("gone");
        (await gone.DeleteAsync($"/api/users/{gone.Id}")).Expect(200);
        (await alice.PostAsync("/api/conversations", new { type = "private", participantId = gone.Id })).ExpectError(404);

        var ai = (await alice.PostAsync("/api/conversations", new { is_ai = true })).Expect(201);
        var agent = ai.GetProperty("members").EnumerateArray().Single(m => m.GetProperty("isAgent").GetBoolean()).Str("userId");
        (await alice.PostAsync("/api/conversations", new { type = "private", participantId = agent })).ExpectError(404);
    }

    [Fact]
    public async Task Someone_who_left_a_direct_conversation_gets_the_same_one_back()
    {
        var alice = await app.UserAsync("alice");
        var bob = await app.UserAsync("bob");
        var id = await alice.NewDirectAsync(bob);
        var left = (await alice.DeleteAsync($"/api/conversations/{id}")).Expect(200);
        Assert.Equal("left", left.Str("action"));
        (await alice.GetAsync($"/api/conversations/{id}")).ExpectError(404);
        Assert.Equal([bob.Id], (await bob.GetAsync($"/api/conversations/{id}")).Expect(200).MemberRoles().Keys);

        // Bob writing to Alice again brings her back into the same conversation.
        Assert.Equal(id, (await bob.PostAsync("/api/conversations/1on1", new { receiverId = alice.Id })).Expect(200).Str("id"));
        Assert.Equal(2, (await alice.GetAsync($"/api/conversations/{id}")).Expect(200).GetProperty("members").GetArrayLength());
    }

    // ---- groups, channels, ai ----

    [Fact]
    public async Task A_group_makes_the_creator_owner_and_the_rest_members_at_every_alias()
    {
        var alice = await app.UserAsync("alice");
        var bob = await app.UserAsync("bob");
        var carol = await app.UserAsync("carol");
        var ways = new (string Path, object Body, string Type)[]
        {
            ("/api/conversations", new { type = "group", name = "G1", participantIds = new[] { bob.Id, carol.Id } }, "group"),
            ("/api/conversations", new { name = "G2", user_ids = new[] { bob.Id, carol.Id }, is_group = true }, "group"),
            ("/api/conversations", new { name = "G3", participant_ids = new[] { bob.Id, carol.Id } }, "group"),
            ("/api/conversations/group", new { name = "G4", members = new[] { bob.Id, carol.Id } }, "group"),
            ("/api/groups", new { name = "G5", members = new[] { bob.Id, carol.Id } }, "group"),
            ("/api/conversations", new { type = "channel", name = "C1", participantIds = new[] { bob.Id, carol.Id } }, "channel"),
            ("/api/channels", new { name = "C2", members = new[] { bob.Id, carol.Id } }, "channel"),
        };
        var ids = new HashSet<string>();
        foreach (var (path, body, type) in ways)
        {
            var c = (await alice.PostAsync(path, body)).Expect(201);
            Assert.True(ids.Add(c.Str("id")), "groups are never deduplicated");
            Assert.Equal(type, c.Str("type"));
            Assert.True(c.GetProperty("isGroup").GetBoolean());
            Assert.Equal("OWNER", c.Str("myRole"));
            Assert.Equal(alice.Id, c.Str("createdBy"));
            Assert.Equal(3, c.GetProperty("memberCount").GetInt32());
            Assert.Equal(new Dictionary<string, string> { [alice.Id] = "OWNER", [bob.Id] = "MEMBER", [carol.Id] = "MEMBER" }, c.MemberRoles());
            // The members see it too, as members.
            Assert.Equal("MEMBER", (await bob.GetAsync($"/api/conversations/{c.Str("id")}")).Expect(200).Str("myRole"));
        }
    }

    [Fact]
    public async Task A_group_or_channel_needs_a_name_and_real_members_at_every_alias()
    {
        var alice = await app.UserAsync("alice");
        var bob = await app.UserAsync("bob");
        var ghost = Guid.CreateVersion7().ToString();
        foreach (var (path, type) in new[]
                 {
                     ("/api/conversations", "group"), ("/api/conversations", "channel"), ("/api/conversations/group", null),
                     ("/api/groups", null), ("/api/channels", null),
                 })
        {
            (await alice.PostAsync(path, new { type, members = new[] { bob.Id } })).ExpectFieldErrors(400, "validation_failed", "name");
            (await alice.PostAsync(path, new { type, name = "   ", members = new[] { bob.Id } })).ExpectFieldErrors(400, "validation_failed", "name");
            (await alice.PostAsync(path, new { type, name = "Ghosts", members = new[] { bob.Id, ghost } })).ExpectError(404, "not_found");
        }
        Assert.Empty((await bob.GetAsync("/api/conversations")).Expect(200).EnumerateArray());
    }

    [Fact]
    public async Task A_group_of_one_is_allowed()
    {
        var alice = await app.UserAsync("alice");
        var c = (await alice.PostAsync("/api/groups", new { name = "Notes to self" })).Expect(201);
        Assert.Equal(new Dictionary<string, string> { [alice.Id] = "OWNER" }, c.MemberRoles());
    }

    [Theory]
    [InlineData("{\"is_ai\":true}")]
    [InlineData("{\"isAi\":true,\"name\":\"Helper\"}")]
    [InlineData("{\"type\":\"ai\"}")]
    public async Task An_ai_conversation_has_the_caller_and_the_assistant(string body)
    {
        var alice = await app.UserAsync("alice");
        var bob = await app.UserAsync("bob");
        using var content = new StringContent(body.Replace("}", $",\"participantId\":\"{bob.Id}\"}}"), System.Text.Encoding.UTF8, "application/json");
        var c = (await ApiResponse.ReadAsync(await alice.Http.PostAsync("/api/conversations", content))).Expect(201);
        Assert.Equal("ai", c.Str("type"));
        Assert.True(c.GetProperty("isAi").GetBoolean());
        var members = c.GetProperty("members").EnumerateArray().ToList();
        Assert.Equal(2, members.Count);
        Assert.Contains(members, m => m.Str("userId") == alice.Id && !m.GetProperty("isAgent").GetBoolean());
        var agent = Assert.Single(members, m => m.GetProperty("isAgent").GetBoolean());
        Assert.Equal("parley-assistant", agent.Str("username"));
        // Bob was named but an AI conversation is private to its caller.
        (await bob.GetAsync($"/api/conversations/{c.Str("id")}")).ExpectError(404);
    }

    // ---- list and details ----

    [Fact]
    public async Task My_list_is_newest_first_with_paging_total_unread_last_message_members_and_my_role()
    {
        var alice = await app.UserAsync("alice");
        var bob = await app.UserAsync("bob");
        var carol = await app.UserAsync("carol");
        var ids = new List<string>();
        ids.Add(await alice.NewDirectAsync(bob));
        await Task.Delay(3); // distinct creation milliseconds, so "newest first" has one right answer
        ids.Add(await alice.NewGroupAsync("Team", bob, carol));
        await Task.Delay(3);
        ids.Add((await bob.PostAsync("/api/channels", new { name = "News", members = new[] { alice.Id } })).Expect(201).Str("id"));
        await Task.Delay(3);
        ids.Add((await alice.PostAsync("/api/conversations", new { is_ai = true })).Expect(201).Str("id"));
        var notMine = (await bob.PostAsync("/api/groups", new { name = "Bob only" })).Expect(201).Str("id");

        var response = await alice.GetAsync("/api/conversations?page=1&limit=10");
        var list = response.Expect(200).EnumerateArray().ToList();
        Assert.DoesNotContain(notMine, list.Select(c => c.Str("id")));
        var mine = list.Select(c => c.Str("id")).Where(ids.Contains).ToList();
        Assert.Equal(Enumerable.Reverse(ids), mine);
        Assert.Equal(list.Count.ToString(), response.Raw.Headers.GetValues("X-Total-Count").Single());

        var team = list.Single(c => c.Str("id") == ids[1]);
        Assert.Equal("group", team.Str("type"));
        Assert.Equal("Team", team.Str("name"));
        Assert.Equal("OWNER", team.Str("myRole"));
        Assert.Equal(0, team.GetProperty("unreadCount").GetInt32());
        Assert.Equal(JsonValueKind.Null, team.GetProperty("lastMessage").ValueKind);
        Assert.Equal(3, team.GetProperty("memberCount").GetInt32());
        Assert.Equal(3, team.GetProperty("members").GetArrayLength());
        var member = team.GetProperty("members").EnumerateArray().First(m => m.Str("userId") == bob.Id);
        Assert.Equal(bob.Username, member.Str("username"));
        Assert.Equal("MEMBER", member.Str("role"));
        Assert.Equal("MEMBER", list.Single(c => c.Str("id") == ids[2]).Str("myRole"));
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$", team.Str("createdAt"));

        // Paging: the same order, cut into pages.
        var all = list.Select(c => c.Str("id")).ToList();
        var page1 = await alice.GetAsync("/api/conversations?page=1&limit=2");
        Assert.Equal(all.Take(2), page1.Expect(200).Ids());
        Assert.Equal(all.Count.ToString(), page1.Raw.Headers.GetValues("X-Total-Count").Single());
        Assert.Equal(all.Skip(2).Take(2), (await alice.GetAsync("/api/conversations?page=2&limit=2")).Expect(200).Ids());
        Assert.Empty((await alice.GetAsync("/api/conversations?page=50&limit=2")).Expect(200).EnumerateArray());
    }

    [Fact]
    public async Task The_list_filters_by_type_and_rejects_unknown_types()
    {
        var alice = await app.UserAsync("alice");
        var bob = await app.UserAsync("bob");
        var direct = await alice.NewDirectAsync(bob);
        var group = await alice.NewGroupAsync("G", bob);
        Assert.Equal([group], (await alice.GetAsync("/api/conversations?type=group")).Expect(200).Ids());
        Assert.Equal([direct], (await alice.GetAsync("/api/conversations?type=private")).Expect(200).Ids());
        (await alice.GetAsync("/api/conversations?type=nonsense")).ExpectFieldErrors(400, "validation_failed", "type");
    }

    [Fact]
    public async Task Details_show_every_member_with_roles_and_404_for_unknown_ids()
    {
        var alice = await app.UserAsync("alice");
        var bob = await app.UserAsync("bob");
        var id = await alice.NewGroupAsync("Details", bob);
        var c = (await bob.GetAsync($"/api/conversations/{id}")).Expect(200);
        Assert.Equal(id, c.Str("id"));
        Assert.Equal("Details", c.Str("name"));
        Assert.Equal("MEMBER", c.Str("myRole"));
        Assert.Equal(new Dictionary<string, string> { [alice.Id] = "OWNER", [bob.Id] = "MEMBER" }, c.MemberRoles());
        Assert.Equal(0, c.GetProperty("lastSeq").GetInt64());
        (await alice.GetAsync($"/api/conversations/{Guid.CreateVersion7()}")).ExpectError(404, "not_found");
        (await alice.GetAsync("/api/conversations/x")).ExpectError(400, "validation_failed");
    }

    // ---- metadata ----

    [Fact]
    public async Task Owners_and_admins_change_name_description_and_picture()
    {
        var alice = await app.UserAsync("alice");
        var bob = await app.UserAsync("bob");
        var carol = await app.UserAsync("carol");
        var id = await alice.NewGroupAsync("Old", bob, carol);
        var updated = (await alice.PutAsync($"/api/conversations/{id}",
            new { name = " New ", description = "About us", group_picture = "https://example.com/g.png" })).Expect(200);
        Assert.Equal("New", updated.Str("name"));
        Assert.Equal("About us", updated.Str("description"));
        Assert.Equal("https://example.com/g.png", updated.Str("picture"));

        (await alice.PutAsync($"/api/conversations/{id}/members/{bob.Id}/role", new { role = "ADMIN" })).Expect(200);
        Assert.Equal("Bob's name", (await bob.PutAsync($"/api/conversations/{id}", new { name = "Bob's name" })).Expect(200).Str("name"));

        (await carol.PutAsync($"/api/conversations/{id}", new { name = "Carol's name" })).ExpectError(403, "forbidden");
        var seen = (await carol.GetAsync($"/api/conversations/{id}")).Expect(200);
        Assert.Equal("Bob's name", seen.Str("name"));
        Assert.Equal("About us", seen.Str("description"));
    }

    [Fact]
    public async Task Metadata_changes_are_400_for_direct_and_ai_and_for_bad_bodies()
    {
        var alice = await app.UserAsync("alice");
        var bob = await app.UserAsync("bob");
        var direct = await alice.NewDirectAsync(bob);
        (await alice.PutAsync($"/api/conversations/{direct}", new { name = "Renamed" })).ExpectError(400);
        var ai = (await alice.PostAsync("/api/conversations", new { is_ai = true })).Expect(201).Str("id");
        (await alice.PutAsync($"/api/conversations/{ai}", new { name = "Renamed" })).ExpectError(400);
        Assert.Equal(JsonValueKind.Null, (await alice.GetAsync($"/api/conversations/{direct}")).Expect(200).GetProperty("name").ValueKind);

        var group = await alice.NewGroupAsync("Keep", bob);
        (await alice.PutAsync($"/api/conversations/{group}", new { })).ExpectError(400);
        (await alice.PutAsync($"/api/conversations/{group}", new { name = "" })).ExpectFieldErrors(400, "validation_failed", "name");
        (await alice.PutAsync($"/api/conversations/{group}", new { name = new string('x', 101) })).ExpectFieldErrors(400, "validation_failed", "name");
        (await alice.PutAsync($"/api/conversations/{group}", new { group_picture = "javascript:alert(1)" })).ExpectError(400);
        Assert.Equal("Keep", (await alice.GetAsync($"/api/conversations/{group}")).Expect(200).Str("name"));
    }

    // ---- delete and leave ----

    [Theory]
    [InlineData("/api/conversations", "group")]
    [InlineData("/api/channels", "channel")]
    public async Task An_owner_or_admin_deletes_a_group_or_channel_for_everyone(string createPath, string type)
    {
        var alice = await app.UserAsync("alice");
        var bob = await app.UserAsync("bob");
        var carol = await app.UserAsync("carol");
        foreach (var deleter in new[] { "owner", "admin" })
        {
            var id = (await alice.PostAsync(createPath, new { type, name = "Doomed", members = new[] { bob.Id, carol.Id } })).Expect(201).Str("id");
            (await alice.PutAsync($"/api/conversations/{id}/members/{bob.Id}/role", new { role = "ADMIN" })).Expect(200);
            var by = deleter == "owner" ? alice : bob;
            var result = (await by.DeleteAsync($"/api/conversations/{id}")).Expect(200);
            Assert.Equal("deleted", result.Str("action"));
            Assert.True(result.GetProperty("deleted").GetBoolean());
            foreach (var u in new[] { alice, bob, carol })
            {
                (await u.GetAsync($"/api/conversations/{id}")).ExpectError(404);
                Assert.DoesNotContain(id, (await u.GetAsync("/api/conversations")).Expect(200).Ids());
            }
            (await alice.PostAsync($"/api/conversations/{id}/members", new { user_id = carol.Id })).ExpectError(404);
        }
    }

    [Fact]
    public async Task A_member_who_deletes_a_group_only_leaves_it()
    {
        var alice = await app.UserAsync("alice");
        var bob = await app.UserAsync("bob");
        var carol = await app.UserAsync("carol");
        var id = await alice.NewGroupAsync("Stays", bob, carol);
        var result = (await carol.DeleteAsync($"/api/conversations/{id}")).Expect(200);
        Assert.Equal("left", result.Str("action"));
        Assert.False(result.GetProperty("deleted").GetBoolean());
        (await carol.GetAsync($"/api/conversations/{id}")).ExpectError(404);
        Assert.Equal(new Dictionary<string, string> { [alice.Id] = "OWNER", [bob.Id] = "MEMBER" },
            (await alice.GetAsync($"/api/conversations/{id}")).Expect(200).MemberRoles());
    }

    [Fact]
    public async Task Leave_always_just_leaves_even_for_the_owner()
    {
        var alice = await app.UserAsync("alice");
        var bob = await app.UserAsync("bob");
        var id = await alice.NewGroupAsync("Leaving", bob);
        var result = (await alice.DeleteAsync($"/api/conversations/{id}/leave")).Expect(200);
        Assert.Equal("left", result.Str("action"));
        (await alice.GetAsync($"/api/conversations/{id}")).ExpectError(404);
        (await alice.DeleteAsync($"/api/conversations/{id}/leave")).ExpectError(404);
        Assert.Equal(new Dictionary<string, string> { [bob.Id] = "OWNER" }, (await bob.GetAsync($"/api/conversations/{id}")).Expect(200).MemberRoles());
    }

    [Fact]
    public async Task When_the_owner_leaves_the_oldest_admin_becomes_owner()
    {
        var alice = await app.UserAsync("alice");
        var bob = await app.UserAsync("bob");
        var carol = await app.UserAsync("carol");
        var dave = await app.UserAsync("dave");
        var id = await alice.NewGroupAsync("Heirs", bob);
        await Task.Delay(3);
        (await alice.PostAsync($"/api/conversations/{id}/members", new { userId = carol.Id })).Expect(200);
        await Task.Delay(3);
        (await alice.PostAsync($"/api/conversations/{id}/members", new { userId = dave.Id })).Expect(200);
        // Dave is promoted first, but Carol joined earlier: the oldest admin wins, and an admin beats the older plain member Bob.
        (await alice.PutAsync($"/api/conversations/{id}/members/{dave.Id}/role", new { role = "ADMIN" })).Expect(200);
        (await alice.PutAsync($"/api/conversations/{id}/members/{carol.Id}/role", new { role = "ADMIN" })).Expect(200);
        (await alice.DeleteAsync($"/api/conversations/{id}/leave")).Expect(200);
        Assert.Equal(new Dictionary<string, string> { [bob.Id] = "MEMBER", [carol.Id] = "OWNER", [dave.Id] = "ADMIN" },
            (await bob.GetAsync($"/api/conversations/{id}")).Expect(200).MemberRoles());
    }

    [Fact]
    public async Task When_the_owner_leaves_without_admins_the_oldest_member_becomes_owner()
    {
        var alice = await app.UserAsync("alice");
        var bob = await app.UserAsync("bob");
        var carol = await app.UserAsync("carol");
        var id = await alice.NewGroupAsync("Heirs", carol);
        await Task.Delay(3);
        (await alice.PostAsync($"/api/conversations/{id}/members", new { user_id = bob.Id })).Expect(200);
        (await alice.DeleteAsync($"/api/conversations/{id}/leave")).Expect(200);
        Assert.Equal(new Dictionary<string, string> { [bob.Id] = "MEMBER", [carol.Id] = "OWNER" },
            (await bob.GetAsync($"/api/conversations/{id}")).Expect(200).MemberRoles());
        // And the new owner has the owner's powers.
        (await carol.PutAsync($"/api/conversations/{id}", new { name = "Carol's now" })).Expect(200);
    }

    [Fact]
    public async Task The_last_member_leaving_ends_the_conversation()
    {
        var alice = await app.UserAsync("alice");
        var bob = await app.UserAsync("bob");
        var id = await alice.NewGroupAsync("Short-lived", bob);
        (await bob.DeleteAsync($"/api/conversations/{id}/leave")).Expect(200);
        (await alice.DeleteAsync($"/api/conversations/{id}/leave")).Expect(200);
        Assert.DoesNotContain(id, (await alice.GetAsync("/api/conversations")).Expect(200).Ids());

        // An AI conversation ends when its person leaves; the agent does not keep it alive.
        var ai = (await alice.PostAsync("/api/conversations", new { is_ai = true })).Expect(201).Str("id");
        (await alice.DeleteAsync($"/api/conversations/{ai}")).Expect(200);
        (await alice.GetAsync($"/api/conversations/{ai}")).ExpectError(404);
        var again = (await alice.PostAsync("/api/conversations", new { is_ai = true })).Expect(201).Str("id");
        Assert.NotEqual(ai, again);
    }

    // ---- members ----

    [Fact]
    public async Task Admins_add_members_by_user_id_userId_or_a_members_list()
    {
        var alice = await app.UserAsync("alice");
        var bob = await app.UserAsync("bob");
        var carol = await app.UserAsync("carol");
        var dave = await app.UserAsync("dave");
        var erin = await app.UserAsync("erin");
        var frank = await app.UserAsync("frank");
        var id = await alice.NewGroupAsync("Growing", bob);
        Assert.Contains(carol.Id, (await alice.PostAsync($"/api/conversations/{id}/members", new { user_id = carol.Id })).Expect(200).MemberRoles().Keys);
        Assert.Contains(dave.Id, (await alice.PostAsync($"/api/conversations/{id}/members", new { userId = dave.Id })).Expect(200).MemberRoles().Keys);
        (await alice.PutAsync($"/api/conversations/{id}/members/{bob.Id}/role", new { role = "ADMIN" })).Expect(200);
        var after = (await bob.PostAsync($"/api/conversations/{id}/members", new { members = new[] { erin.Id, frank.Id, dave.Id } })).Expect(200);
        Assert.Equal(6, after.GetProperty("members").GetArrayLength());
        Assert.Equal("MEMBER", after.MemberRoles()[erin.Id]);
        // The added can see it at once.
        Assert.Equal("MEMBER", (await frank.GetAsync($"/api/conversations/{id}")).Expect(200).Str("myRole"));
        Assert.Contains(id, (await erin.GetAsync("/api/conversations")).Expect(200).Ids());
    }

    [Fact]
    public async Task Adding_members_is_admin_only_all_or_nothing_and_not_for_direct()
    {
        var alice = await app.UserAsync("alice");
        var bob = await app.UserAsync("bob");
        var carol = await app.UserAsync("carol");
        var id = await alice.NewGroupAsync("Closed", bob);
        (await bob.PostAsync($"/api/conversations/{id}/members", new { user_id = carol.Id })).ExpectError(403, "forbidden");
        (await alice.PostAsync($"/api/conversations/{id}/members", new { members = new[] { carol.Id, Guid.CreateVersion7().ToString() } }))
            .ExpectError(404, "not_found");
        (await alice.PostAsync($"/api/conversations/{id}/members", new { })).ExpectError(400);
        Assert.Equal(2, (await alice.GetAsync($"/api/conversations/{id}")).Expect(200).GetProperty("members").GetArrayLength());
        (await carol.GetAsync($"/api/conversations/{id}")).ExpectError(404);

        var direct = await alice.NewDirectAsync(bob);
        (await alice.PostAsync($"/api/conversations/{direct}/members", new { user_id = carol.Id })).ExpectError(400);
    }

    [Fact]
    public async Task Admins_remove_members_and_anyone_can_remove_themselves()
    {
        var alice = await app.UserAsync("alice");
        var bob = await app.UserAsync("bob");
        var carol = await app.UserAsync("carol");
        var dave = await app.UserAsync("dave");
        var id = await alice.NewGroupAsync("Pruning", bob, carol, dave);
        (await bob.DeleteAsync($"/api/conversations/{id}/members/{carol.Id}")).ExpectError(403, "forbidden");
        var after = (await alice.DeleteAsync($"/api/conversations/{id}/members/{carol.Id}")).Expect(200);
        Assert.DoesNotContain(carol.Id, after.MemberRoles().Keys);
        (await carol.GetAsync($"/api/conversations/{id}")).ExpectError(404);
        (await alice.DeleteAsync($"/api/conversations/{id}/members/{carol.Id}")).ExpectError(404);

        (await dave.DeleteAsync($"/api/conversations/{id}/members/{dave.Id}")).Expect(200);
        (await dave.GetAsync($"/api/conversations/{id}")).ExpectError(404);
        Assert.Equal(new Dictionary<string, string> { [alice.Id] = "OWNER", [bob.Id] = "MEMBER" },
            (await bob.GetAsync($"/api/conversations/{id}")).Expect(200).MemberRoles());
    }

    [Fact]
    public async Task Removing_several_with_a_body_is_all_or_nothing()
    {
        var alice = await app.UserAsync("alice");
        var bob = await app.UserAsync("bob");
        var carol = await app.UserAsync("carol");
        var dave = await app.UserAsync("dave");
        var id = await alice.NewGroupAsync("Bulk", bob, carol, dave);
        (await alice.PutAsync($"/api/conversations/{id}/members/{bob.Id}/role", new { role = "ADMIN" })).Expect(200);
        // Bob (admin) may remove Carol but not the owner: nothing happens.
        (await bob.DeleteAsync($"/api/conversations/{id}/members", new { members = new[] { carol.Id, alice.Id } })).ExpectError(403);
        Assert.Equal(4, (await alice.GetAsync($"/api/conversations/{id}")).Expect(200).GetProperty("members").GetArrayLength());

        var after = (await bob.DeleteAsync($"/api/conversations/{id}/members", new { members = new[] { carol.Id, dave.Id } })).Expect(200);
        Assert.Equal(new Dictionary<string, string> { [alice.Id] = "OWNER", [bob.Id] = "ADMIN" }, after.MemberRoles());
        (await alice.DeleteAsync($"/api/conversations/{id}/members", new { })).ExpectError(400);
    }

    [Fact]
    public async Task The_owner_cannot_be_removed_and_only_the_owner_removes_admins()
    {
        var alice = await app.UserAsync("alice");
        var bob = await app.UserAsync("bob");
        var carol = await app.UserAsync("carol");
        var id = await alice.NewGroupAsync("Ranks", bob, carol);
        (await alice.PutAsync($"/api/conversations/{id}/members/{bob.Id}/role", new { role = "ADMIN" })).Expect(200);
        (await alice.PutAsync($"/api/conversations/{id}/members/{carol.Id}/role", new { role = "ADMIN" })).Expect(200);
        (await bob.DeleteAsync($"/api/conversations/{id}/members/{alice.Id}")).ExpectError(403);
        (await bob.DeleteAsync($"/api/conversations/{id}/members/{carol.Id}")).ExpectError(403);
        Assert.Equal(3, (await alice.GetAsync($"/api/conversations/{id}")).Expect(200).GetProperty("members").GetArrayLength());
        (await alice.DeleteAsync($"/api/conversations/{id}/members/{carol.Id}")).Expect(200);
    }

    // ---- roles ----

    [Fact]
    public async Task Admins_promote_and_demote_but_the_owner_is_untouchable()
    {
        var alice = await app.UserAsync("alice");
        var bob = await app.UserAsync("bob");
        var carol = await app.UserAsync("carol");
        var id = await alice.NewGroupAsync("Roles", bob, carol);
        Assert.Equal("ADMIN", (await alice.PutAsync($"/api/conversations/{id}/members/{bob.Id}/role", new { role = "admin" })).Expect(200).MemberRoles()[bob.Id]);
        // Bob (admin) promotes and demotes a member.
        Assert.Equal("ADMIN", (await bob.PutAsync($"/api/conversations/{id}/members/{carol.Id}/role", new { role = "ADMIN" })).Expect(200).MemberRoles()[carol.Id]);
        (await carol.PutAsync($"/api/conversations/{id}/members/{carol.Id}/role", new { role = "MEMBER" })).Expect(200);
        Assert.Equal("MEMBER", (await alice.GetAsync($"/api/conversations/{id}")).Expect(200).MemberRoles()[carol.Id]);
        // Members change nobody's role.
        (await carol.PutAsync($"/api/conversations/{id}/members/{carol.Id}/role", new { role = "ADMIN" })).ExpectError(403);
        // The owner cannot be demoted, not even by themselves.
        (await bob.PutAsync($"/api/conversations/{id}/members/{alice.Id}/role", new { role = "MEMBER" })).ExpectError(403);
        (await alice.PutAsync($"/api/conversations/{id}/members/{alice.Id}/role", new { role = "ADMIN" })).ExpectError(403);
        // Only the owner hands over ownership.
        (await bob.PutAsync($"/api/conversations/{id}/members/{bob.Id}/role", new { role = "OWNER" })).ExpectError(403);
        Assert.Equal(new Dictionary<string, string> { [alice.Id] = "OWNER", [bob.Id] = "ADMIN", [carol.Id] = "MEMBER" },
            (await alice.GetAsync($"/api/conversations/{id}")).Expect(200).MemberRoles());
    }

    [Fact]
    public async Task An_admin_cannot_demote_another_admin_but_the_owner_can()
    {
        var alice = await app.UserAsync("alice");
        var bob = await app.UserAsync("bob");
        var carol = await app.UserAsync("carol");
        var id = await alice.NewGroupAsync("Peers", bob, carol);
        (await alice.PutAsync($"/api/conversations/{id}/members/{bob.Id}/role", new { role = "ADMIN" })).Expect(200);
        (await alice.PutAsync($"/api/conversations/{id}/members/{carol.Id}/role", new { role = "ADMIN" })).Expect(200);
        // Consistent with removal: an admin cannot strip (then remove) a peer.
        (await bob.PutAsync($"/api/conversations/{id}/members/{carol.Id}/role", new { role = "MEMBER" })).ExpectError(403);
        Assert.Equal("ADMIN", (await alice.GetAsync($"/api/conversations/{id}")).Expect(200).MemberRoles()[carol.Id]);
        (await alice.PutAsync($"/api/conversations/{id}/members/{carol.Id}/role", new { role = "MEMBER" })).Expect(200);
        Assert.Equal("MEMBER", (await alice.GetAsync($"/api/conversations/{id}")).Expect(200).MemberRoles()[carol.Id]);
    }

    [Fact]
    public async Task The_owner_hands_over_ownership_and_becomes_an_admin()
    {
        var alice = await app.UserAsync("alice");
        var bob = await app.UserAsync("bob");
        var id = await alice.NewGroupAsync("Handover", bob);
        var after = (await alice.PutAsync($"/api/conversations/{id}/members/{bob.Id}/role", new { role = "OWNER" })).Expect(200);
        Assert.Equal(new Dictionary<string, string> { [alice.Id] = "ADMIN", [bob.Id] = "OWNER" }, after.MemberRoles());
        Assert.Equal("ADMIN", after.Str("myRole"));
        // Now Bob is untouchable and Alice is an admin Bob can demote.
        (await alice.PutAsync($"/api/conversations/{id}/members/{bob.Id}/role", new { role = "MEMBER" })).ExpectError(403);
        (await bob.PutAsync($"/api/conversations/{id}/members/{alice.Id}/role", new { role = "MEMBER" })).Expect(200);
    }

    [Fact]
    public async Task Role_changes_reject_bad_roles_unknown_members_and_direct_conversations()
    {
        var alice = await app.UserAsync("alice");
        var bob = await app.UserAsync("bob");
        var carol = await app.UserAsync("carol");
        var id = await alice.NewGroupAsync("Bad roles", bob);
        (await alice.PutAsync($"/api/conversations/{id}/members/{bob.Id}/role", new { role = "KING" })).ExpectFieldErrors(400, "validation_failed", "role");
        (await alice.PutAsync($"/api/conversations/{id}/members/{bob.Id}/role", new { })).ExpectFieldErrors(400, "validation_failed", "role");
        (await alice.PutAsync($"/api/conversations/{id}/members/{carol.Id}/role", new { role = "ADMIN" })).ExpectError(404);
        var direct = await alice.NewDirectAsync(bob);
        (await alice.PutAsync($"/api/conversations/{direct}/members/{bob.Id}/role", new { role = "ADMIN" })).ExpectError(400);
        Assert.Equal("MEMBER", (await alice.GetAsync($"/api/conversations/{direct}")).Expect(200).MemberRoles()[bob.Id]);
    }

    // ---- /groups and /channels ----

    [Fact]
    public async Task Groups_and_channels_are_filtered_views_of_conversations()
    {
        var alice = await app.UserAsync("alice");
        var bob = await app.UserAsync("bob");
        var direct = await alice.NewDirectAsync(bob);
        var group = (await alice.PostAsync("/api/groups", new { name = "G", members = new[] { bob.Id } })).Expect(201).Str("id");
        var channel = (await alice.PostAsync("/api/channels", new { name = "C", members = new[] { bob.Id } })).Expect(201).Str("id");

        var groups = await bob.GetAsync("/api/groups");
        Assert.Equal([group], groups.Expect(200).Ids());
        Assert.Equal("1", groups.Raw.Headers.GetValues("X-Total-Count").Single());
        Assert.Equal([channel], (await bob.GetAsync("/api/channels?page=1&limit=5")).Expect(200).Ids());

        Assert.Equal("group", (await bob.GetAsync($"/api/groups/{group}")).Expect(200).Str("type"));
        Assert.Equal("channel", (await bob.GetAsync($"/api/channels/{channel}")).Expect(200).Str("type"));
        (await bob.GetAsync($"/api/channels/{group}")).ExpectError(404, "not_found");
        (await bob.GetAsync($"/api/groups/{channel}")).ExpectError(404, "not_found");
        (await bob.GetAsync($"/api/groups/{direct}")).ExpectError(404, "not_found");
        (await bob.GetAsync($"/api/groups/{Guid.CreateVersion7()}")).ExpectError(404, "not_found");
    }

    [Theory]
    [InlineData("/api/groups")]
    [InlineData("/api/channels")]
    public async Task Member_toggles_add_and_remove_explicitly_or_by_toggling(string prefix)
    {
        var alice = await app.UserAsync("alice");
        var bob = await app.UserAsync("bob");
        var carol = await app.UserAsync("carol");
        var id = (await alice.PostAsync(prefix, new { name = "Toggle", members = new[] { bob.Id } })).Expect(201).Str("id");

        Assert.Contains(carol.Id, (await alice.PutAsync($"{prefix}/{id}/members", new { memberId = carol.Id, action = "add" })).Expect(200).MemberRoles().Keys);
        Assert.Contains(carol.Id, (await alice.PutAsync($"{prefix}/{id}/members", new { memberId = carol.Id, action = "add" })).Expect(200).MemberRoles().Keys);
        Assert.DoesNotContain(carol.Id, (await alice.PutAsync($"{prefix}/{id}/members", new { member_id = carol.Id, action = "remove" })).Expect(200).MemberRoles().Keys);
        // Without an action: a non-member is added, a member removed.
        Assert.Contains(carol.Id, (await alice.PutAsync($"{prefix}/{id}/members", new { memberId = carol.Id })).Expect(200).MemberRoles().Keys);
        Assert.DoesNotContain(carol.Id, (await alice.PutAsync($"{prefix}/{id}/members", new { memberId = carol.Id })).Expect(200).MemberRoles().Keys);
        (await carol.GetAsync($"/api/conversations/{id}")).ExpectError(404);

        (await bob.PutAsync($"{prefix}/{id}/members", new { memberId = carol.Id })).ExpectError(403);
        (await alice.PutAsync($"{prefix}/{id}/members", new { memberId = carol.Id, action = "ban" })).ExpectFieldErrors(400, "validation_failed", "action");
        (await alice.PutAsync($"{prefix}/{id}/members", new { })).ExpectFieldErrors(400, "validation_failed", "memberId");
        (await alice.PutAsync($"{prefix}/{id}/members", new { memberId = Guid.CreateVersion7().ToString() })).ExpectError(404);
        var other = prefix == "/api/groups" ? "/api/channels" : "/api/groups";
        (await alice.PutAsync($"{other}/{id}/members", new { memberId = carol.Id })).ExpectError(404);
        Assert.Equal(new Dictionary<string, string> { [alice.Id] = "OWNER", [bob.Id] = "MEMBER" },
            (await alice.GetAsync($"/api/conversations/{id}")).Expect(200).MemberRoles());
    }
}
