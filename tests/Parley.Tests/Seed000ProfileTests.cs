using System.Text.Json;
using Parley.Tests.Support;

namespace Parley.Tests;

/// <summary>
/// Seed 000 walked literally on a server whose profile is seed-000 (Compat__Profile): the unified /conversations API
/// answers as its FastAPI codebase would (bare snake_case bodies: conversation_id, is_group, user_id, group_picture;
/// errors as {"detail": …}), and the socket at /ws/{user_id} gets new_message, typing and message_read carrying
/// conversation_id.
/// </summary>
public sealed class Seed000ProfileTests(Seed000App app) : IClassFixture<Seed000App>
{
    private async Task<SeedClient> PersonAsync(string name)
    {
        var username = $"{name}_{Guid.NewGuid().ToString("N")[..8]}";
        var anonymous = new SeedClient(app, profile: null);
        var registered = (await anonymous.PostAsync("/api/auth/register",
            new { username, password = "correct-horse", email = $"{username}@example.com", name })).Expect(201);
        registered.AllSnakeCase();
        return anonymous.SignedIn(registered.Str("token"), registered.GetProperty("user").Str("id"), username);
    }

    private static async Task<JsonElement> GroupAsync(SeedClient owner, params SeedClient[] others) =>
        (await owner.PostAsync("/api/conversations", new { name = "Team", is_group = true, user_ids = others.Select(o => o.Id) })).Expect(201);

    [Fact]
    public async Task Conversations_answer_bare_snake_case_bodies()
    {
        var alice = await PersonAsync("alice");
        var bob = await PersonAsync("bob");
        var carol = await PersonAsync("carol");

        var direct = (await alice.PostAsync("/api/conversations", new { user_ids = new[] { bob.Id }, is_group = false })).Expect(201);
        direct.LacksKeys("success", "data", "isGroup", "createdBy");
        direct.AllSnakeCase();
        Assert.False(direct.GetProperty("is_group").GetBoolean());
        Assert.Equal(alice.Id, direct.Str("created_by"));
        Assert.Equal(new HashSet<string> { alice.Id, bob.Id }, direct.GetProperty("members").Ids("user_id").ToHashSet());

        var group = await GroupAsync(alice, bob);
        Assert.True(group.GetProperty("is_group").GetBoolean());
        var id = group.Str("id");
        var updated = (await alice.PutAsync($"/api/conversations/{id}", new { name = "Renamed", group_picture = "https://example.com/g.png" })).Expect(200);
        Assert.Equal("https://example.com/g.png", updated.Str("group_picture"));
        updated.LacksKeys("picture");

        var added = (await alice.PostAsync($"/api/conversations/{id}/members", new { user_id = carol.Id })).Expect(200);
        Assert.Contains(carol.Id, added.GetProperty("members").Ids("user_id"));
        var promoted = (await alice.PutAsync($"/api/conversations/{id}/members/{bob.Id}/role", new { role = "ADMIN" })).Expect(200);
        Assert.Equal("ADMIN", promoted.GetProperty("members").EnumerateArray().Single(m => m.Str("user_id") == bob.Id).Str("role"));

        var details = (await carol.GetAsync($"/api/conversations/{id}")).Expect(200);
        details.AllSnakeCase();
        Assert.Equal("Renamed", details.Str("name"));
        Assert.Equal("MEMBER", details.Str("my_role"));
        var list = (await carol.GetAsync("/api/conversations")).Expect(200);
        Assert.Equal(JsonValueKind.Array, list.ValueKind);
        Assert.Equal([id], list.Ids());

        var left = (await carol.DeleteAsync($"/api/conversations/{id}/members/{carol.Id}")).Expect(200);
        left.AllSnakeCase();
        Assert.Equal("Conversation not found", (await carol.GetAsync($"/api/conversations/{id}")).Expect(404).Str("detail"));
    }

    [Fact]
    public async Task Messages_and_read_markers_answer_snake_case()
    {
        var alice = await PersonAsync("alice");
        var bob = await PersonAsync("bob");
        var id = (await GroupAsync(alice, bob)).Str("id");

        var sent = (await alice.PostAsync($"/api/conversations/{id}/messages", new { content = "hello", payload = new { keepMe = 1 } })).Expect(201);
        sent.AllSnakeCase("payload");
        Assert.Equal(id, sent.Str("conversation_id"));
        Assert.Equal(alice.Id, sent.Str("sender_id"));
        Assert.Equal(1, sent.GetProperty("payload").GetProperty("keepMe").GetInt32());

        var page = (await bob.GetAsync($"/api/conversations/{id}/messages")).Expect(200);
        page.AllSnakeCase("payload");
        Assert.Equal([sent.Str("id")], page.GetProperty("messages").Ids());

        var read = (await bob.PostAsync($"/api/conversations/{id}/messages/{sent.Str("id")}/read")).Expect(200);
        read.AllSnakeCase();
        Assert.Equal(1, read.GetProperty("last_read_seq").GetInt64());
        Assert.Contains(bob.Id, read.GetProperty("seen_by").Ids("user_id"));
    }

    [Fact]
    public async Task Errors_are_detail_strings()
    {
        var alice = await PersonAsync("alice");
        var bob = await PersonAsync("bob");
        var missing = (await alice.GetAsync($"/api/conversations/{Guid.NewGuid()}")).Expect(404);
        Assert.Equal(["detail"], missing.Keys());
        var invalid = (await alice.PostAsync("/api/conversations", new { is_group = true, user_ids = new[] { bob.Id } })).Expect(400);
        Assert.Equal(["detail"], invalid.Keys());
        Assert.Contains("name", invalid.Str("detail"));
        Assert.Equal(["detail"], (await new SeedClient(app, null).GetAsync("/api/conversations")).Expect(401).Keys());
    }

    [Fact]
    public async Task The_user_socket_gets_new_message_typing_and_message_read_with_conversation_id()
    {
        var alice = await PersonAsync("alice");
        var bob = await PersonAsync("bob");
        var id = (await GroupAsync(alice, bob)).Str("id");
        await using var aliceSocket = await WsClient.ConnectAsync(app, alice.Token, $"/ws/{alice.Id}");
        var ready = (await aliceSocket.NextAsync("ready")).GetProperty("data");
        ready.AllSnakeCase();
        Assert.Equal(alice.Id, ready.Str("user_id"));
        // The typist's own client speaks Parley's protocol; only alice's socket is seed 000's.
        await using var bobSocket = await WsClient.ConnectAsync(app, bob.Token, $"/ws/{bob.Id}?profile=parley");
        await bobSocket.NextAsync("ready");

        var sent = (await bob.PostAsync($"/api/conversations/{id}/messages", new { content = "hi alice" })).Expect(201);
        var message = (await aliceSocket.NextAsync(f => f.Str("type") == "new_message")).GetProperty("data");
        message.AllSnakeCase("payload");
        Assert.Equal(id, message.Str("conversation_id"));
        Assert.Equal(sent.Str("id"), message.GetProperty("message").Str("id"));
        Assert.Equal(id, message.GetProperty("message").Str("conversation_id"));
        Assert.Equal(bob.Id, message.GetProperty("message").Str("sender_id"));

        Assert.True((await bobSocket.RequestAsync("typing:start", new { conversationId = id })).GetProperty("ok").GetBoolean());
        var typing = (await aliceSocket.NextAsync(f => f.Str("type") == "typing")).GetProperty("data");
        typing.AllSnakeCase();
        Assert.Equal(id, typing.Str("conversation_id"));
        Assert.Equal(bob.Id, typing.Str("user_id"));

        var reply = (await alice.PostAsync($"/api/conversations/{id}/messages", new { content = "hi bob" })).Expect(201);
        (await bob.PostAsync($"/api/conversations/{id}/messages/{reply.Str("id")}/read")).Expect(200);
        var read = (await aliceSocket.NextAsync(f => f.Str("type") == "message_read" && f.GetProperty("data").Str("user_id") == bob.Id)).GetProperty("data");
        read.AllSnakeCase();
        Assert.Equal(id, read.Str("conversation_id"));
        Assert.Equal(reply.Str("id"), read.Str("message_id"));

        // Nothing reached alice under Parley's names or fields.
        foreach (var frame in await aliceSocket.DrainAsync()) Assert.DoesNotContain(":", frame.Str("type"));
    }

    [Fact]
    public async Task Sync_lists_missed_events_under_the_socket_names()
    {
        var alice = await PersonAsync("alice");
        var bob = await PersonAsync("bob");
        var id = (await GroupAsync(alice, bob)).Str("id");
        (await alice.PostAsync($"/api/conversations/{id}/messages", new { content = "missed" })).Expect(201);

        var page = (await bob.GetAsync("/api/sync?since=0")).Expect(200);
        page.HasKeys("events", "cursor", "has_more", "gap");
        // Client-written JSON (a payload, a notification's data) stays as it was written.
        foreach (var e in page.GetProperty("events").EnumerateArray()) e.GetProperty("data").AllSnakeCase("payload", "data");
        var missed = page.GetProperty("events").EnumerateArray().Single(e => e.Str("type") == "new_message");
        Assert.Equal(id, missed.GetProperty("data").Str("conversation_id"));
        Assert.Equal("missed", missed.GetProperty("data").GetProperty("message").Str("content"));
        Assert.Contains(page.GetProperty("events").EnumerateArray(), e => e.Str("type") == "new_conversation");
    }
}
