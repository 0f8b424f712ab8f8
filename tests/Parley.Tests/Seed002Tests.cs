using System.Text.Json;
using Parley.Tests.Support;

namespace Parley.Tests;

/// <summary>
/// A client written from seed 002 (users, messaging, groups and channels, status, notifications): it signs up
/// through /users/register with only {username, password}, sends {senderId, receiverId, content}, manages
/// members with {memberId}, and expects the status codes the document lists. Each test names the
/// SEED-MAP.md "002" row(s) it covers.
/// </summary>
public sealed class Seed002Tests(ParleyApp app) : IClassFixture<ParleyApp>
{
    private const string Password = "s3cret-pass";

    /// <summary>Registers and logs in exactly as the document does.</summary>
    private async Task<TestUser> SignUpAsync(string name)
    {
        var username = $"{name}_{Guid.NewGuid().ToString("N")[..8]}";
        (await app.AnonymousPostAsync("/api/users/register", new { username, password = Password })).Expect(201);
        var login = (await app.AnonymousPostAsync("/api/users/login", new { username, password = Password })).Expect(200);
        return app.SignedIn(username, login);
    }

    private static async Task<string> CreateAsync(TestUser owner, string kind, params TestUser[] members) =>
        (await owner.PostAsync($"/api/{kind}", new { name = $"{kind} of {owner.Username}", members = members.Select(m => m.Id) })).Expect(201).Str("id");

    // Row: POST /users/register, /users/login — aliases of /auth/register, /auth/login
    [Fact]
    public async Task Register_and_login_under_users()
    {
        var username = $"neo_{Guid.NewGuid().ToString("N")[..8]}";
        var registered = await app.AnonymousPostAsync("/api/users/register", new { username, password = Password });
        var r = registered.Expect(201);
        Assert.Equal(username, r.GetProperty("user").Str("username"));
        Assert.False(string.IsNullOrEmpty(r.Str("token")));

        var login = (await app.AnonymousPostAsync("/api/users/login", new { username, password = Password })).Expect(200);
        Assert.Equal(r.GetProperty("user").Str("id"), login.GetProperty("user").Str("id"));
        // The token works as a bearer token.
        var me = (await ApiResponse.ReadAsync(await app.Http(login.Str("token")).GetAsync("/api/users/me"))).Expect(200);
        Assert.Equal(username, me.Str("username"));

        (await app.AnonymousPostAsync("/api/users/login", new { username, password = "wrong" })).ExpectError(401);
        (await app.AnonymousPostAsync("/api/users/login", new { username = "nobody_" + Guid.NewGuid().ToString("N")[..8], password = Password })).ExpectError(401);
        (await app.AnonymousPostAsync("/api/users/register", new { username = "", password = Password })).ExpectError(400, "validation_failed");
        (await app.AnonymousPostAsync("/api/users/register", new { username = $"x_{Guid.NewGuid().ToString("N")[..8]}" })).ExpectError(400, "validation_failed");
    }

    // Row: PUT /users/:id, GET /users/:id, DELETE /users/:id — canonical (PUT/DELETE: self only)
    [Fact]
    public async Task Users_are_read_by_anyone_and_changed_or_deleted_by_themselves()
    {
        var neo = await SignUpAsync("neo");
        var smith = await SignUpAsync("smith");

        var seen = (await smith.GetAsync($"/api/users/{neo.Id}")).Expect(200);
        Assert.Equal(neo.Id, seen.Str("id"));
        Assert.Equal(neo.Username, seen.Str("username"));
        Assert.False(seen.TryGetProperty("password", out _));
        Assert.False(seen.TryGetProperty("passwordHash", out _));
        (await smith.GetAsync($"/api/users/{Guid.NewGuid()}")).ExpectError(404);

        // {username, password}: both change; a password change hands back a fresh token.
        var renamed = $"{neo.Username}_one";
        var updated = (await neo.PutAsync($"/api/users/{neo.Id}", new { username = renamed, password = "another-pass" })).Expect(200);
        Assert.Equal(renamed, updated.GetProperty("user").Str("username"));
        Assert.Equal(renamed, (await smith.GetAsync($"/api/users/{neo.Id}")).Expect(200).Str("username"));
        (await app.AnonymousPostAsync("/api/users/login", new { username = renamed, password = "another-pass" })).Expect(200);
        (await app.AnonymousPostAsync("/api/users/login", new { username = renamed, password = Password })).ExpectError(401);
        neo = neo with { Token = updated.Str("token"), Http = app.Http(updated.Str("token")) };

        (await smith.PutAsync($"/api/users/{neo.Id}", new { username = "hijacked" })).ExpectError(403);
        (await smith.PutAsync($"/api/users/{Guid.NewGuid()}", new { username = "ghost" })).ExpectError(404);
        (await neo.PutAsync($"/api/users/{neo.Id}", new { username = "" })).ExpectError(400);
        (await smith.DeleteAsync($"/api/users/{neo.Id}")).ExpectError(403);
        (await smith.DeleteAsync($"/api/users/{Guid.NewGuid()}")).ExpectError(404);

        Assert.True((await neo.DeleteAsync($"/api/users/{neo.Id}")).Expect(200).GetProperty("deleted").GetBoolean());
        (await app.AnonymousPostAsync("/api/users/login", new { username = renamed, password = "another-pass" })).ExpectError(401);
        (await neo.GetAsync("/api/users/me")).ExpectError(401);
        var gone = (await smith.GetAsync($"/api/users/{neo.Id}")).Expect(200);
        Assert.True(gone.GetProperty("deleted").GetBoolean());
        Assert.Equal("Deleted user", gone.Str("name"));
    }

    // Row: POST /messages {senderId, receiverId, content} — alias of send: receiverId = user (direct, created if needed) or conversation
    [Fact]
    public async Task Send_to_a_user_opens_the_direct_conversation_and_to_a_group_sends_there()
    {
        var neo = await SignUpAsync("neo");
        var trinity = await SignUpAsync("trinity");
        var morpheus = await SignUpAsync("morpheus");

        var first = (await neo.PostAsync("/api/messages", new { senderId = neo.Id, receiverId = trinity.Id, content = "Follow the white rabbit" })).Expect(201);
        Assert.Equal(neo.Id, first.Str("senderId"));
        Assert.Equal(trinity.Id, first.Str("receiverId"));
        Assert.Equal("Follow the white rabbit", first.Str("content"));
        var direct = first.Str("conversationId");
        var second = (await neo.PostAsync("/api/messages", new { senderId = neo.Id, receiverId = trinity.Id, content = "Knock knock" })).Expect(201);
        Assert.Equal(direct, second.Str("conversationId"));
        var reply = (await trinity.PostAsync("/api/messages", new { senderId = trinity.Id, receiverId = neo.Id, content = "Who is there?" })).Expect(201);
        Assert.Equal(direct, reply.Str("conversationId"));
        var dm = (await trinity.GetAsync($"/api/conversations/{direct}")).Expect(200);
        Assert.Equal("direct", dm.Str("type"));
        Assert.Equal(new HashSet<string> { neo.Id, trinity.Id }, dm.GetProperty("members").Ids().ToHashSet());

        var group = await CreateAsync(neo, "groups", trinity, morpheus);
        var toGroup = (await morpheus.PostAsync("/api/messages", new { senderId = morpheus.Id, receiverId = group, content = "Welcome" })).Expect(201);
        Assert.Equal(group, toGroup.Str("conversationId"));
        Assert.Contains("Welcome", (await neo.GetAsync($"/api/messages/{group}")).Expect(200).GetProperty("messages").EnumerateArray()
            .Select(m => m.GetProperty("content").GetString()));

        (await neo.PostAsync("/api/messages", new { senderId = trinity.Id, receiverId = morpheus.Id, content = "as trinity" })).ExpectError(403);
        (await neo.PostAsync("/api/messages", new { senderId = neo.Id, receiverId = trinity.Id })).ExpectError(400);
        (await neo.PostAsync("/api/messages", new { senderId = neo.Id, content = "to nobody" })).ExpectError(400);
        (await neo.PostAsync("/api/messages", new { senderId = neo.Id, receiverId = Guid.NewGuid().ToString(), content = "?" })).ExpectError(404);
    }

    // Row: GET /messages/:conversationId — alias of list
    [Fact]
    public async Task Get_messages_of_a_conversation()
    {
        var neo = await SignUpAsync("neo");
        var trinity = await SignUpAsync("trinity");
        var outsider = await SignUpAsync("cypher");
        var direct = (await neo.PostAsync("/api/messages", new { senderId = neo.Id, receiverId = trinity.Id, content = "one" })).Expect(201).Str("conversationId");
        (await trinity.PostAsync("/api/messages", new { senderId = trinity.Id, receiverId = neo.Id, content = "two" })).Expect(201);

        var messages = (await trinity.GetAsync($"/api/messages/{direct}")).Expect(200).GetProperty("messages").EnumerateArray().ToList();
        Assert.Equal(["one", "two"], messages.Select(m => m.Str("content")));
        Assert.Equal([neo.Id, trinity.Id], messages.Select(m => m.Str("senderId")));

        (await outsider.GetAsync($"/api/messages/{direct}")).ExpectError(404);
        (await neo.GetAsync($"/api/messages/{Guid.NewGuid()}")).ExpectError(404);
    }

    // Row: DELETE /messages/:messageId — alias of soft delete
    [Fact]
    public async Task Delete_a_message()
    {
        var neo = await SignUpAsync("neo");
        var trinity = await SignUpAsync("trinity");
        var sent = (await neo.PostAsync("/api/messages", new { senderId = neo.Id, receiverId = trinity.Id, content = "delete me" })).Expect(201);

        (await trinity.DeleteAsync($"/api/messages/{sent.Str("id")}")).ExpectError(403);
        Assert.True((await neo.DeleteAsync($"/api/messages/{sent.Str("id")}")).Expect(200).GetProperty("deleted").GetBoolean());
        var stored = (await trinity.GetAsync($"/api/messages/{sent.Str("conversationId")}")).Expect(200).GetProperty("messages")[0];
        Assert.True(stored.GetProperty("deleted").GetBoolean());
        Assert.Equal(JsonValueKind.Null, stored.GetProperty("content").ValueKind);
        (await neo.DeleteAsync($"/api/messages/{Guid.NewGuid()}")).ExpectError(404);
    }

    // Row: POST /groups, POST /channels {name, members} — create group / channel
    [Fact]
    public async Task Create_groups_and_channels_with_name_and_members()
    {
        var neo = await SignUpAsync("neo");
        var trinity = await SignUpAsync("trinity");
        var morpheus = await SignUpAsync("morpheus");

        var group = (await neo.PostAsync("/api/groups", new { name = "Nebuchadnezzar", members = new[] { trinity.Id, morpheus.Id } })).Expect(201);
        Assert.Equal("group", group.Str("type"));
        Assert.Equal("Nebuchadnezzar", group.Str("name"));
        Assert.Equal(new HashSet<string> { neo.Id, trinity.Id, morpheus.Id }, group.GetProperty("members").Ids().ToHashSet());

        var channel = (await neo.PostAsync("/api/channels", new { name = "Zion news", members = new[] { trinity.Id } })).Expect(201);
        Assert.Equal("channel", channel.Str("type"));
        Assert.Equal("Zion news", channel.Str("name"));
        // A channel is broadcast: its owner posts, members read.
        (await neo.PostAsync("/api/messages", new { senderId = neo.Id, receiverId = channel.Str("id"), content = "Bulletin" })).Expect(201);
        (await trinity.PostAsync("/api/messages", new { senderId = trinity.Id, receiverId = channel.Str("id"), content = "Reply" })).ExpectError(403);
        Assert.Contains("Bulletin", (await trinity.GetAsync($"/api/messages/{channel.Str("id")}")).Expect(200).GetProperty("messages").EnumerateArray()
            .Select(m => m.GetProperty("content").GetString()));

        (await neo.PostAsync("/api/groups", new { members = new[] { trinity.Id } })).ExpectError(400);
        (await neo.PostAsync("/api/channels", new { name = "" })).ExpectError(400);
    }

    // Row: PUT /groups/:id/members, PUT /channels/:id/members {memberId, action?} — add or remove (toggle when no action)
    [Fact]
    public async Task Put_members_adds_and_removes_with_memberId()
    {
        var neo = await SignUpAsync("neo");
        var trinity = await SignUpAsync("trinity");
        var tank = await SignUpAsync("tank");
        foreach (var kind in new[] { "groups", "channels" })
        {
            var id = await CreateAsync(neo, kind, trinity);

            var added = (await neo.PutAsync($"/api/{kind}/{id}/members", new { memberId = tank.Id })).Expect(200);
            Assert.Contains(tank.Id, added.GetProperty("members").Ids());
            Assert.Equal(id, (await tank.GetAsync($"/api/{kind}/{id}")).Expect(200).Str("id"));
            var removed = (await neo.PutAsync($"/api/{kind}/{id}/members", new { memberId = tank.Id })).Expect(200);
            Assert.DoesNotContain(tank.Id, removed.GetProperty("members").Ids());
            (await tank.GetAsync($"/api/{kind}/{id}")).ExpectError(404);

            (await neo.PutAsync($"/api/{kind}/{id}/members", new { memberId = tank.Id, action = "add" })).Expect(200);
            (await neo.PutAsync($"/api/{kind}/{id}/members", new { memberId = tank.Id, action = "add" })).Expect(200);
            Assert.Contains(tank.Id, (await neo.GetAsync($"/api/{kind}/{id}")).Expect(200).GetProperty("members").Ids());
            (await neo.PutAsync($"/api/{kind}/{id}/members", new { memberId = tank.Id, action = "remove" })).Expect(200);
            Assert.DoesNotContain(tank.Id, (await neo.GetAsync($"/api/{kind}/{id}")).Expect(200).GetProperty("members").Ids());

            (await trinity.PutAsync($"/api/{kind}/{id}/members", new { memberId = tank.Id })).ExpectError(403);
            (await neo.PutAsync($"/api/{kind}/{id}/members", new { memberId = Guid.NewGuid().ToString(), action = "add" })).ExpectError(404);
            (await neo.PutAsync($"/api/{kind}/{Guid.NewGuid()}/members", new { memberId = tank.Id })).ExpectError(404);
            (await neo.PutAsync($"/api/{kind}/{id}/members", new { })).ExpectError(400);
        }
    }

    // Row: GET /groups/:id, GET /channels/:id; GET /groups, GET /channels — filtered views of conversations
    [Fact]
    public async Task Groups_and_channels_are_listed_and_read_separately()
    {
        var neo = await SignUpAsync("neo");
        var trinity = await SignUpAsync("trinity");
        var outsider = await SignUpAsync("cypher");
        var group = await CreateAsync(neo, "groups", trinity);
        var channel = await CreateAsync(neo, "channels", trinity);
        (await neo.PostAsync("/api/messages", new { senderId = neo.Id, receiverId = trinity.Id, content = "a direct one" })).Expect(201);

        var g = (await trinity.GetAsync($"/api/groups/{group}")).Expect(200);
        Assert.Equal(group, g.Str("id"));
        Assert.Equal("group", g.Str("type"));
        Assert.Equal($"groups of {neo.Username}", g.Str("name"));
        var c = (await trinity.GetAsync($"/api/channels/{channel}")).Expect(200);
        Assert.Equal("channel", c.Str("type"));
        (await trinity.GetAsync($"/api/groups/{channel}")).ExpectError(404);
        (await trinity.GetAsync($"/api/channels/{group}")).ExpectError(404);
        (await outsider.GetAsync($"/api/groups/{group}")).ExpectError(404);

        Assert.Equal([group], (await trinity.GetAsync("/api/groups")).Expect(200).Ids());
        Assert.Equal([channel], (await trinity.GetAsync("/api/channels")).Expect(200).Ids());
        Assert.Empty((await outsider.GetAsync("/api/groups")).Expect(200).EnumerateArray());
    }

    // Row: POST /notifications {userId, message}; GET /notifications — notifications (pushed live: the next test)
    [Fact]
    public async Task Send_and_list_notifications()
    {
        var neo = await SignUpAsync("neo");
        var trinity = await SignUpAsync("trinity");
        var stranger = await SignUpAsync("smith");
        await CreateAsync(neo, "groups", trinity);

        var sent = (await neo.PostAsync("/api/notifications", new { userId = trinity.Id, message = "Meet at the phone booth" })).Expect(201);
        Assert.Equal(trinity.Id, sent.Str("userId"));
        Assert.Equal("Meet at the phone booth", sent.Str("message"));
        Assert.False(sent.GetProperty("read").GetBoolean());

        var list = (await trinity.GetAsync("/api/notifications")).Expect(200);
        var n = list.GetProperty("notifications").EnumerateArray().Single(x => x.Str("id") == sent.Str("id"));
        Assert.Equal("Meet at the phone booth", n.Str("message"));
        Assert.Equal(neo.Id, n.Str("senderId"));
        Assert.DoesNotContain(sent.Str("id"), (await neo.GetAsync("/api/notifications")).Expect(200).GetProperty("notifications").Ids());

        (await neo.PostAsync("/api/notifications", new { userId = trinity.Id })).ExpectError(400);
        (await neo.PostAsync("/api/notifications", new { userId = stranger.Id, message = "who are you" })).ExpectError(404);
    }

    // Row: POST /notifications … — pushed live as notification:new
    [Fact]
    public async Task A_notification_is_pushed_live_to_the_receivers_socket()
    {
        var neo = await SignUpAsync("neo");
        var trinity = await SignUpAsync("trinity");
        await CreateAsync(neo, "groups", trinity);
        await using var socket = await trinity.OnlineAsync();

        var sent = (await neo.PostAsync("/api/notifications", new { userId = trinity.Id, message = "The Matrix has you" })).Expect(201);
        var pushed = (await socket.NextAsync("notification:new")).Data();
        Assert.True(pushed.TryGetProperty("conversationId", out _));
        var notification = pushed.GetProperty("notification");
        Assert.Equal(sent.Str("id"), notification.Str("id"));
        Assert.Equal("The Matrix has you", notification.Str("message"));
        Assert.Equal(trinity.Id, notification.Str("userId"));
    }

    // Row: PUT /status {userId, status}; GET /status/:userId — presence (online offline away busy typing playing invisible, or custom text)
    [Fact]
    public async Task Status_is_set_with_userId_and_read_by_user()
    {
        var neo = await SignUpAsync("neo");
        var trinity = await SignUpAsync("trinity");
        // Presence is for people who share a conversation (a stranger sees none: PrivacyTests).
        await neo.DirectWithAsync(trinity);

        foreach (var status in new[] { "away", "busy", "typing", "playing", "offline", "fighting agents" })
        {
            var set = (await neo.PutAsync("/api/status", new { userId = neo.Id, status })).Expect(200);
            Assert.Equal(neo.Id, set.Str("userId"));
            Assert.Equal(status, set.Str("status"));
            Assert.Equal(status, (await trinity.GetAsync($"/api/status/{neo.Id}")).Expect(200).Str("status"));
        }

        // invisible: offline to others, invisible to oneself.
        (await neo.PutAsync("/api/status", new { userId = neo.Id, status = "invisible" })).Expect(200);
        Assert.Equal("offline", (await trinity.GetAsync($"/api/status/{neo.Id}")).Expect(200).Str("status"));
        Assert.Equal("invisible", (await neo.GetAsync($"/api/status/{neo.Id}")).Expect(200).Str("status"));

        // online: presence follows the sockets again.
        (await neo.PutAsync("/api/status", new { userId = neo.Id, status = "online" })).Expect(200);
        Assert.Equal("offline", (await trinity.GetAsync($"/api/status/{neo.Id}")).Expect(200).Str("status"));
        await using (var socket = await neo.OnlineAsync())
        {
            var online = (await trinity.GetAsync($"/api/status/{neo.Id}")).Expect(200);
            Assert.Equal("online", online.Str("status"));
            Assert.True(online.GetProperty("online").GetBoolean());
        }

        (await neo.PutAsync("/api/status", new { userId = trinity.Id, status = "away" })).ExpectError(403);
        (await neo.PutAsync("/api/status", new { userId = neo.Id })).ExpectError(400);
        (await neo.GetAsync($"/api/status/{Guid.NewGuid()}")).ExpectError(404);
    }
}
