using System.Text.Json;
using Parley.Tests.Support;

namespace Parley.Tests;

/// <summary>
/// A client written from seed 000 (the unified /conversations API of a Python codebase): snake_case bodies
/// (user_ids, is_group, is_ai, group_picture, user_id), its paths, and the fields it reads, through the
/// envelope's data with id for _id. Each test names the SEED-MAP.md "000" row(s) it covers.
/// </summary>
public sealed class Seed000Tests(ParleyApp app) : IClassFixture<ParleyApp>
{
    private async Task<string> CreateGroupAsync(TestUser owner, params TestUser[] others) =>
        (await owner.PostAsync("/api/conversations", new { name = "Team", is_group = true, user_ids = others.Select(o => o.Id) })).Expect(201).Str("id");

    private static DateTimeOffset Activity(JsonElement c) =>
        DateTimeOffset.Parse(c.GetProperty("lastMessageAt").GetString() ?? c.Str("createdAt"));

    private static JsonElement MemberOf(JsonElement conversation, TestUser user) =>
        conversation.GetProperty("members").EnumerateArray().Single(m => m.Str("id") == user.Id);

    // Row: POST /conversations {type, participantId / participantIds / user_ids, name, is_group, is_ai} — canonical
    [Fact]
    public async Task Post_conversations_creates_direct_group_channel_and_ai_from_snake_case_bodies()
    {
        var alice = await app.UserAsync("alice");
        var bob = await app.UserAsync("bob");
        var carol = await app.UserAsync("carol");

        var direct = await alice.PostAsync("/api/conversations", new { user_ids = new[] { bob.Id }, is_group = false });
        var d = direct.Expect(201);
        Assert.Equal("direct", d.Str("type"));
        Assert.False(d.GetProperty("isGroup").GetBoolean());
        Assert.Equal(new HashSet<string> { alice.Id, bob.Id }, d.GetProperty("members").Ids().ToHashSet());
        // The same pair again is the same conversation (200, same id).
        var again = (await bob.PostAsync("/api/conversations", new { user_ids = new[] { alice.Id }, is_group = false })).Expect(200);
        Assert.Equal(d.Str("id"), again.Str("id"));

        var g = (await alice.PostAsync("/api/conversations", new { name = "Team", is_group = true, user_ids = new[] { bob.Id, carol.Id } })).Expect(201);
        Assert.Equal("group", g.Str("type"));
        Assert.Equal("Team", g.Str("name"));
        Assert.True(g.GetProperty("isGroup").GetBoolean());
        Assert.Equal(3, g.GetProperty("members").GetArrayLength());
        Assert.Equal(alice.Id, g.Str("createdBy"));

        var c = (await alice.PostAsync("/api/conversations", new { type = "channel", name = "News", participantIds = new[] { bob.Id } })).Expect(201);
        Assert.Equal("channel", c.Str("type"));

        var ai = (await alice.PostAsync("/api/conversations", new { is_ai = true })).Expect(201);
        Assert.Equal("ai", ai.Str("type"));
        Assert.True(ai.GetProperty("isAi").GetBoolean());
        Assert.Contains(ai.GetProperty("members").EnumerateArray(), m => m.GetProperty("isAgent").GetBoolean());

        // A group needs a name; unknown users are 404.
        (await alice.PostAsync("/api/conversations", new { is_group = true, user_ids = new[] { bob.Id } })).ExpectError(400, "validation_failed");
        (await alice.PostAsync("/api/conversations", new { user_ids = new[] { Guid.NewGuid().ToString() }, is_group = false })).ExpectError(404);
    }

    // Row: GET /conversations — canonical: list mine (direct, group, channel, ai), newest activity first
    [Fact]
    public async Task Get_conversations_lists_all_four_kinds_newest_activity_first()
    {
        var alice = await app.UserAsync("alice");
        var bob = await app.UserAsync("bob");
        var stranger = await app.UserAsync("stranger");
        var direct = (await alice.PostAsync("/api/conversations", new { user_ids = new[] { bob.Id }, is_group = false })).Expect(201).Str("id");
        var group = await CreateGroupAsync(alice, bob);
        var channel = (await alice.PostAsync("/api/conversations", new { type = "channel", name = "News", user_ids = new[] { bob.Id } })).Expect(201).Str("id");
        var ai = (await alice.PostAsync("/api/conversations", new { is_ai = true })).Expect(201).Str("id");
        (await alice.PostAsync($"/api/conversations/{direct}/messages", new { content = "latest activity" })).Expect(201);

        var list = (await alice.GetAsync("/api/conversations")).Expect(200);
        Assert.Equal(new HashSet<string> { direct, group, channel, ai }, list.Ids().ToHashSet());
        Assert.Equal(new HashSet<string> { "direct", "group", "channel", "ai" }, list.EnumerateArray().Select(c => c.Str("type")).ToHashSet());
        // Newest activity first: the last message, or the creation of a conversation without one. The direct
        // conversation, created first, has the latest activity now (a tie within the same millisecond may precede it).
        var activity = list.EnumerateArray().Select(Activity).ToList();
        Assert.Equal(activity.OrderDescending(), activity);
        var withMessage = list.EnumerateArray().Single(c => c.Str("id") == direct);
        Assert.Equal(activity[0], Activity(withMessage));
        Assert.Equal("latest activity", withMessage.GetProperty("lastMessage").Str("content"));

        var bobs = (await bob.GetAsync("/api/conversations")).Expect(200).Ids().ToHashSet();
        Assert.Equal(new HashSet<string> { direct, channel, group }, bobs);
        Assert.Empty((await stranger.GetAsync("/api/conversations")).Expect(200).EnumerateArray());
    }

    // Row: GET /conversations/{id} — canonical: details + members with roles
    [Fact]
    public async Task Get_conversation_returns_details_and_members_with_roles()
    {
        var alice = await app.UserAsync("alice");
        var bob = await app.UserAsync("bob");
        var stranger = await app.UserAsync("stranger");
        var id = await CreateGroupAsync(alice, bob);

        var response = await bob.GetAsync($"/api/conversations/{id}");
        var c = response.Expect(200);
        Assert.Equal(id, c.Str("id"));
        Assert.Equal("Team", c.Str("name"));
        Assert.Equal("group", c.Str("type"));
        Assert.Equal(alice.Id, c.Str("createdBy"));
        Assert.Equal("OWNER", MemberOf(c, alice).Str("role"));
        Assert.Equal("MEMBER", MemberOf(c, bob).Str("role"));
        Assert.Equal(bob.Username, MemberOf(c, bob).Str("username"));
        Assert.Equal("MEMBER", c.Str("myRole"));

        // Not a member, or no such conversation: the same 404.
        (await stranger.GetAsync($"/api/conversations/{id}")).ExpectError(404, "not_found");
        (await stranger.GetAsync($"/api/conversations/{Guid.NewGuid()}")).ExpectError(404, "not_found");
    }

    // Row: PUT /conversations/{id} {name?, description?, group_picture?} — canonical; admin; 400 for direct
    [Fact]
    public async Task Put_conversation_updates_metadata_for_admins_only_and_refuses_direct()
    {
        var alice = await app.UserAsync("alice");
        var bob = await app.UserAsync("bob");
        var id = await CreateGroupAsync(alice, bob);

        var updated = (await alice.PutAsync($"/api/conversations/{id}",
            new { name = "Renamed", description = "All about it", group_picture = "https://example.com/g.png" })).Expect(200);
        Assert.Equal("Renamed", updated.Str("name"));
        Assert.Equal("All about it", updated.Str("description"));
        Assert.Equal("https://example.com/g.png", updated.Str("picture"));
        var seen = (await bob.GetAsync($"/api/conversations/{id}")).Expect(200);
        Assert.Equal("Renamed", seen.Str("name"));
        Assert.Equal("https://example.com/g.png", seen.Str("picture"));

        // Only one field: the others stay.
        Assert.Equal("All about it", (await alice.PutAsync($"/api/conversations/{id}", new { name = "Third" })).Expect(200).Str("description"));

        (await bob.PutAsync($"/api/conversations/{id}", new { name = "Bob's" })).ExpectError(403, "forbidden");
        Assert.Equal("Third", (await bob.GetAsync($"/api/conversations/{id}")).Expect(200).Str("name"));

        var direct = (await alice.PostAsync("/api/conversations", new { user_ids = new[] { bob.Id }, is_group = false })).Expect(201).Str("id");
        (await alice.PutAsync($"/api/conversations/{direct}", new { name = "Not a group" })).ExpectError(400);
    }

    // Row: DELETE /conversations/{id} — canonical: admin deletes group; otherwise leave
    [Fact]
    public async Task Delete_conversation_deletes_a_group_for_an_admin_and_is_leave_for_anyone_else()
    {
        var alice = await app.UserAsync("alice");
        var bob = await app.UserAsync("bob");
        var carol = await app.UserAsync("carol");
        var id = await CreateGroupAsync(alice, bob, carol);

        var left = (await bob.DeleteAsync($"/api/conversations/{id}")).Expect(200);
        Assert.True(left.GetProperty("left").GetBoolean());
        Assert.False(left.GetProperty("deleted").GetBoolean());
        (await bob.GetAsync($"/api/conversations/{id}")).ExpectError(404);
        var stillThere = (await carol.GetAsync($"/api/conversations/{id}")).Expect(200);
        Assert.Equal(new HashSet<string> { alice.Id, carol.Id }, stillThere.GetProperty("members").Ids().ToHashSet());

        var deleted = (await alice.DeleteAsync($"/api/conversations/{id}")).Expect(200);
        Assert.True(deleted.GetProperty("deleted").GetBoolean());
        (await carol.GetAsync($"/api/conversations/{id}")).ExpectError(404);
        (await alice.GetAsync($"/api/conversations/{id}")).ExpectError(404);
        Assert.DoesNotContain(id, (await carol.GetAsync("/api/conversations")).Expect(200).Ids());

        var direct = (await alice.PostAsync("/api/conversations", new { user_ids = new[] { bob.Id }, is_group = false })).Expect(201).Str("id");
        Assert.True((await alice.DeleteAsync($"/api/conversations/{direct}")).Expect(200).GetProperty("left").GetBoolean());
        Assert.Equal([bob.Id], (await bob.GetAsync($"/api/conversations/{direct}")).Expect(200).GetProperty("members").Ids());
    }

    // Row: POST /conversations/{id}/members {user_id} — canonical (also {members:[…]})
    [Fact]
    public async Task Post_members_adds_one_user_id_for_admins()
    {
        var alice = await app.UserAsync("alice");
        var bob = await app.UserAsync("bob");
        var carol = await app.UserAsync("carol");
        var dave = await app.UserAsync("dave");
        var id = await CreateGroupAsync(alice, bob);

        var added = (await alice.PostAsync($"/api/conversations/{id}/members", new { user_id = carol.Id })).Expect(200);
        Assert.Equal("MEMBER", MemberOf(added, carol).Str("role"));
        Assert.Equal(id, (await carol.GetAsync($"/api/conversations/{id}")).Expect(200).Str("id"));

        (await bob.PostAsync($"/api/conversations/{id}/members", new { user_id = dave.Id })).ExpectError(403);
        (await dave.GetAsync($"/api/conversations/{id}")).ExpectError(404);
        (await alice.PostAsync($"/api/conversations/{id}/members", new { user_id = Guid.NewGuid().ToString() })).ExpectError(404);
        (await alice.PostAsync($"/api/conversations/{id}/members", new { })).ExpectError(400);

        // "Checks is_group": a direct conversation takes no members.
        var direct = (await alice.PostAsync("/api/conversations", new { user_ids = new[] { bob.Id }, is_group = false })).Expect(201).Str("id");
        (await alice.PostAsync($"/api/conversations/{direct}/members", new { user_id = dave.Id })).ExpectError(400);
        (await dave.GetAsync($"/api/conversations/{direct}")).ExpectError(404);
    }

    // Row: DELETE /conversations/{id}/members/{user_id} — canonical: admin, or self
    [Fact]
    public async Task Delete_member_by_path_is_allowed_to_admins_and_to_oneself()
    {
        var alice = await app.UserAsync("alice");
        var bob = await app.UserAsync("bob");
        var carol = await app.UserAsync("carol");
        var id = await CreateGroupAsync(alice, bob, carol);

        (await bob.DeleteAsync($"/api/conversations/{id}/members/{carol.Id}")).ExpectError(403);
        var afterAdmin = (await alice.DeleteAsync($"/api/conversations/{id}/members/{carol.Id}")).Expect(200);
        Assert.DoesNotContain(carol.Id, afterAdmin.GetProperty("members").Ids());
        (await carol.GetAsync($"/api/conversations/{id}")).ExpectError(404);

        (await bob.DeleteAsync($"/api/conversations/{id}/members/{bob.Id}")).Expect(200);
        (await bob.GetAsync($"/api/conversations/{id}")).ExpectError(404);
        Assert.Equal([alice.Id], (await alice.GetAsync($"/api/conversations/{id}")).Expect(200).GetProperty("members").Ids());

        var direct = (await alice.PostAsync("/api/conversations", new { user_ids = new[] { bob.Id }, is_group = false })).Expect(201).Str("id");
        (await alice.DeleteAsync($"/api/conversations/{direct}/members/{bob.Id}")).ExpectError(400);
        Assert.Equal(2, (await bob.GetAsync($"/api/conversations/{direct}")).Expect(200).GetProperty("members").GetArrayLength());
    }

    // Row: PUT /conversations/{id}/members/{user_id}/role {role: ADMIN/MEMBER} — canonical
    [Fact]
    public async Task Put_member_role_promotes_and_demotes_and_the_role_takes_effect()
    {
        var alice = await app.UserAsync("alice");
        var bob = await app.UserAsync("bob");
        var carol = await app.UserAsync("carol");
        var id = await CreateGroupAsync(alice, bob);

        var promoted = (await alice.PutAsync($"/api/conversations/{id}/members/{bob.Id}/role", new { role = "ADMIN" })).Expect(200);
        Assert.Equal("ADMIN", MemberOf(promoted, bob).Str("role"));
        // As an admin, bob can now add members and rename.
        (await bob.PostAsync($"/api/conversations/{id}/members", new { user_id = carol.Id })).Expect(200);
        (await bob.PutAsync($"/api/conversations/{id}", new { name = "Bob renamed" })).Expect(200);

        var demoted = (await alice.PutAsync($"/api/conversations/{id}/members/{bob.Id}/role", new { role = "MEMBER" })).Expect(200);
        Assert.Equal("MEMBER", MemberOf(demoted, bob).Str("role"));
        (await bob.PutAsync($"/api/conversations/{id}", new { name = "Not any more" })).ExpectError(403);

        (await carol.PutAsync($"/api/conversations/{id}/members/{bob.Id}/role", new { role = "ADMIN" })).ExpectError(403);
        (await alice.PutAsync($"/api/conversations/{id}/members/{bob.Id}/role", new { role = "KING" })).ExpectError(400, "validation_failed");
        Assert.Equal("MEMBER", MemberOf((await alice.GetAsync($"/api/conversations/{id}")).Expect(200), bob).Str("role"));

        var direct = (await alice.PostAsync("/api/conversations", new { user_ids = new[] { bob.Id }, is_group = false })).Expect(201).Str("id");
        (await alice.PutAsync($"/api/conversations/{direct}/members/{bob.Id}/role", new { role = "ADMIN" })).ExpectError(400);
    }

    // Rows: POST /conversations/{id}/messages — canonical; GET /conversations/{id}/messages — canonical
    [Fact]
    public async Task Messages_are_sent_and_listed_under_the_conversation()
    {
        var alice = await app.UserAsync("alice");
        var bob = await app.UserAsync("bob");
        var stranger = await app.UserAsync("stranger");
        var id = (await alice.PostAsync("/api/conversations", new { user_ids = new[] { bob.Id }, is_group = false })).Expect(201).Str("id");

        var sent = (await alice.PostAsync($"/api/conversations/{id}/messages", new { content = "Hello Bob" })).Expect(201);
        Assert.Equal(id, sent.Str("conversationId"));
        Assert.Equal(alice.Id, sent.Str("senderId"));
        Assert.Equal("Hello Bob", sent.Str("content"));
        (await bob.PostAsync($"/api/conversations/{id}/messages", new { content = "Hi Alice" })).Expect(201);

        var page = (await bob.GetAsync($"/api/conversations/{id}/messages")).Expect(200);
        var messages = page.GetProperty("messages").EnumerateArray().ToList();
        Assert.Equal(["Hello Bob", "Hi Alice"], messages.Select(m => m.Str("content")));
        Assert.Equal([alice.Id, bob.Id], messages.Select(m => m.Str("senderId")));
        Assert.Equal(sent.Str("id"), messages[0].Str("id"));
        Assert.All(messages, m => Assert.Equal(id, m.Str("conversationId")));

        (await stranger.GetAsync($"/api/conversations/{id}/messages")).ExpectError(404);
        (await stranger.PostAsync($"/api/conversations/{id}/messages", new { content = "let me in" })).ExpectError(404);
        (await alice.PostAsync($"/api/conversations/{id}/messages", new { content = "" })).ExpectError(400);
    }

    // Row: POST /conversations/{id}/messages/{message_id}/read — canonical: marker to that message
    [Fact]
    public async Task Reading_a_message_moves_the_marker_to_it()
    {
        var alice = await app.UserAsync("alice");
        var bob = await app.UserAsync("bob");
        var id = (await alice.PostAsync("/api/conversations", new { user_ids = new[] { bob.Id }, is_group = false })).Expect(201).Str("id");
        var ids = new List<string>();
        for (var i = 1; i <= 3; i++) ids.Add((await alice.PostAsync($"/api/conversations/{id}/messages", new { content = $"m{i}" })).Expect(201).Str("id"));
        Assert.Equal(3, (await bob.GetAsync($"/api/conversations/{id}")).Expect(200).GetProperty("unreadCount").GetInt64());

        var read = (await bob.PostAsync($"/api/conversations/{id}/messages/{ids[1]}/read")).Expect(200);
        Assert.Equal(ids[1], read.Str("id"));
        Assert.True(read.GetProperty("read").GetBoolean());
        Assert.Equal(2, read.GetProperty("lastReadSeq").GetInt64());
        Assert.Contains(bob.Id, read.GetProperty("seenBy").Ids("userId"));
        Assert.Equal(1, (await bob.GetAsync($"/api/conversations/{id}")).Expect(200).GetProperty("unreadCount").GetInt64());
        var history = (await alice.GetAsync($"/api/conversations/{id}/messages")).Expect(200).GetProperty("messages").EnumerateArray().ToList();
        Assert.Equal([true, true, false], history.Select(m => m.GetProperty("read").GetBoolean()));

        (await bob.PostAsync($"/api/conversations/{id}/messages/{Guid.NewGuid()}/read")).ExpectError(404);
    }

    // Row: WSS /ws/{user_id}; events new_message, typing, message_read carry conversation_id —
    //      /ws/{userId}; events named as in 003 (message:new, typing, message:read), payloads carry conversationId
    [Fact]
    public async Task The_user_socket_gets_new_messages_typing_and_reads_with_their_conversationId()
    {
        var alice = await app.UserAsync("alice");
        var bob = await app.UserAsync("bob");
        var id = (await alice.PostAsync("/api/conversations", new { user_ids = new[] { bob.Id }, is_group = false })).Expect(201).Str("id");
        await using var aliceSocket = await alice.OnlineAsync($"/ws/{alice.Id}");
        await using var bobSocket = await bob.OnlineAsync($"/ws/{bob.Id}");
        // The path names the socket's user: it must be the token's user.
        Assert.Equal(System.Net.HttpStatusCode.Forbidden, await WsClient.RefusedAsync(app, alice.Token, $"/ws/{bob.Id}"));

        var sent = (await alice.PostAsync($"/api/conversations/{id}/messages", new { content = "over the socket" })).Expect(201);
        var message = (await bobSocket.EventAsync("message:new", id)).Data();
        Assert.Equal(id, message.Str("conversationId"));
        Assert.Equal(sent.Str("id"), message.GetProperty("message").Str("id"));
        Assert.Equal("over the socket", message.GetProperty("message").Str("content"));

        Assert.True((await aliceSocket.RequestAsync("typing:start", new { conversationId = id })).GetProperty("ok").GetBoolean());
        var typing = (await bobSocket.EventAsync("typing", id)).Data();
        Assert.Equal(alice.Id, typing.Str("userId"));
        Assert.True(typing.GetProperty("isTyping").GetBoolean());

        (await bob.PostAsync($"/api/conversations/{id}/messages/{sent.Str("id")}/read")).Expect(200);
        var read = (await aliceSocket.EventAsync("message:read", id)).Data();
        Assert.Equal(bob.Id, read.Str("userId"));
        Assert.Equal(sent.Str("id"), read.Str("messageId"));
        Assert.Equal(1, read.GetProperty("lastReadSeq").GetInt64());
        // conversationId replaced chat_id.
        Assert.All(new[] { message, typing, read }, e => Assert.False(e.TryGetProperty("chat_id", out _) || e.TryGetProperty("chatId", out _)));
    }

    // Row: removed /chats…, /groups… of that codebase — not served under those semantics (002's /groups is served, see Seed002Tests)
    [Fact]
    public async Task The_removed_chats_and_group_admin_routes_are_not_served()
    {
        var alice = await app.UserAsync("alice");
        var bob = await app.UserAsync("bob");
        var id = await CreateGroupAsync(alice, bob);

        (await alice.GetAsync("/api/chats")).ExpectError(404);
        (await alice.PostAsync("/api/chats", new { user_ids = new[] { bob.Id } })).ExpectError(404);
        (await alice.GetAsync($"/api/chats/{id}/messages")).ExpectError(404);
        (await alice.PostAsync($"/api/chats/{id}/messages", new { content = "old path" })).ExpectError(404);
        (await alice.PostAsync($"/api/chats/{id}/messages/{Guid.NewGuid()}/read")).ExpectError(404);
        (await alice.PostAsync($"/api/groups/{id}/admins", new { user_id = bob.Id })).ExpectError(404);
        (await alice.DeleteAsync($"/api/groups/{id}/admins/{bob.Id}")).ExpectError(404);
        (await alice.DeleteAsync($"/api/groups/{id}/members/{bob.Id}")).ExpectError(404);
        Assert.Contains((await alice.PutAsync($"/api/groups/{id}", new { name = "Old API" })).Code, new[] { 404, 405 });
        Assert.Contains((await alice.DeleteAsync($"/api/groups/{id}")).Code, new[] { 404, 405 });

        // None of them changed anything.
        var c = (await bob.GetAsync($"/api/conversations/{id}")).Expect(200);
        Assert.Equal("Team", c.Str("name"));
        Assert.Equal("MEMBER", MemberOf(c, bob).Str("role"));
        Assert.DoesNotContain((await alice.GetAsync($"/api/conversations/{id}/messages")).Expect(200).GetProperty("messages").EnumerateArray(),
            m => m.Str("type") != "system");
    }
}
