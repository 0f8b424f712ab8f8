using System.Text.Json;
using Parley.Tests.Support;

namespace Parley.Tests;

/// <summary>
/// A client written from seed 003 (conversation flow with sockets): {type:"private", participantId},
/// {type:"group", participantIds, name}, {content, type}, {lastMessageId}, {newContent}, under
/// /conversations/:id, with page/limit. Each test names the SEED-MAP.md "003" row(s) it covers.
/// </summary>
public sealed class Seed003Tests(ParleyApp app) : IClassFixture<ParleyApp>
{
    private static async Task<string> PrivateAsync(TestUser a, TestUser b) =>
        (await a.PostAsync("/api/conversations", new { type = "private", participantId = b.Id })).Data.Str("id");

    private static async Task<JsonElement> SendAsync(TestUser me, string conversationId, string content) =>
        (await me.PostAsync($"/api/conversations/{conversationId}/messages", new { content, type = "text" })).Expect(201);

    private static async Task<List<JsonElement>> MessagesAsync(TestUser me, string conversationId, string query = "page=1&limit=50") =>
        (await me.GetAsync($"/api/conversations/{conversationId}/messages?{query}")).Expect(200).GetProperty("messages").EnumerateArray().ToList();

    // Row: POST /conversations {type:"private", participantId} (returns existing) — canonical
    [Fact]
    public async Task Private_conversation_is_created_once_and_then_returned()
    {
        var a = await app.UserAsync("userA");
        var b = await app.UserAsync("userB");

        var created = (await a.PostAsync("/api/conversations", new { type = "private", participantId = b.Id })).Expect(201);
        Assert.Equal("direct", created.Str("type"));
        Assert.Equal(new HashSet<string> { a.Id, b.Id }, created.GetProperty("members").Ids().ToHashSet());

        var existing = await a.PostAsync("/api/conversations", new { type = "private", participantId = b.Id });
        Assert.Equal(created.Str("id"), existing.Expect(200).Str("id"));
        Assert.Equal(created.Str("id"), (await b.PostAsync("/api/conversations", new { type = "private", participantId = a.Id })).Expect(200).Str("id"));
        Assert.Single((await b.GetAsync("/api/conversations")).Expect(200).EnumerateArray());

        (await a.PostAsync("/api/conversations", new { type = "private" })).ExpectError(400);
        (await a.PostAsync("/api/conversations", new { type = "private", participantId = Guid.NewGuid().ToString() })).ExpectError(404);
    }

    // Row: POST /conversations {type:"group", participantIds, name} — canonical
    [Fact]
    public async Task Group_conversation_with_participants_and_name()
    {
        var a = await app.UserAsync("userA");
        var b = await app.UserAsync("userB");
        var c = await app.UserAsync("userC");

        var group = (await a.PostAsync("/api/conversations", new { type = "group", participantIds = new[] { b.Id, c.Id }, name = "Group Name" })).Expect(201);
        Assert.Equal("group", group.Str("type"));
        Assert.Equal("Group Name", group.Str("name"));
        Assert.Equal(new HashSet<string> { a.Id, b.Id, c.Id }, group.GetProperty("members").Ids().ToHashSet());
        foreach (var participant in new[] { b, c })
            Assert.Equal("Group Name", (await participant.GetAsync($"/api/conversations/{group.Str("id")}")).Expect(200).Str("name"));

        (await a.PostAsync("/api/conversations", new { type = "group", participantIds = new[] { b.Id } })).ExpectError(400);
    }

    // Row: GET /conversations?page&limit — canonical
    [Fact]
    public async Task Conversations_are_paged()
    {
        var a = await app.UserAsync("userA");
        var others = new List<TestUser>();
        for (var i = 0; i < 5; i++) others.Add(await app.UserAsync($"friend{i}"));
        var ids = new HashSet<string>();
        foreach (var other in others) ids.Add(await PrivateAsync(a, other));

        var all = (await a.GetAsync("/api/conversations?page=1&limit=20")).Expect(200);
        Assert.Equal(ids, all.Ids().ToHashSet());
        // Newest activity first (creation counts as activity until a message is sent).
        var activity = all.EnumerateArray().Select(c => DateTimeOffset.Parse(c.GetProperty("lastMessageAt").GetString() ?? c.Str("createdAt"))).ToList();
        Assert.Equal(activity.OrderDescending(), activity);

        var page1 = await a.GetAsync("/api/conversations?page=1&limit=2");
        Assert.Equal(all.Ids().Take(2), page1.Expect(200).Ids());
        Assert.Equal("5", page1.Raw.Headers.GetValues("X-Total-Count").Single());
        Assert.Equal(all.Ids().Skip(2).Take(2), (await a.GetAsync("/api/conversations?page=2&limit=2")).Expect(200).Ids());
        Assert.Equal(all.Ids().Skip(4), (await a.GetAsync("/api/conversations?page=3&limit=2")).Expect(200).Ids());
        Assert.Empty((await a.GetAsync("/api/conversations?page=4&limit=2")).Expect(200).EnumerateArray());
        (await a.GetAsync("/api/conversations?page=0&limit=20")).ExpectError(400);
        (await a.GetAsync("/api/conversations?page=1&limit=lots")).ExpectError(400);
    }

    // Row: POST /conversations/:id/messages {content, type} — canonical
    [Fact]
    public async Task Send_a_message_with_content_and_type()
    {
        var a = await app.UserAsync("userA");
        var b = await app.UserAsync("userB");
        var id = await PrivateAsync(a, b);

        var m = (await a.PostAsync($"/api/conversations/{id}/messages", new { content = "Hi B", type = "text" })).Expect(201);
        Assert.Equal(id, m.Str("conversationId"));
        Assert.Equal("Hi B", m.Str("content"));
        Assert.Equal("text", m.Str("type"));
        Assert.Equal(a.Id, m.Str("senderId"));
        var note = (await a.PostAsync($"/api/conversations/{id}/messages", new { content = "remember the milk", type = "note" })).Expect(201);
        Assert.Equal("note", note.Str("type"));
        Assert.Equal(["Hi B", "remember the milk"], (await MessagesAsync(b, id)).Select(x => x.Str("content")));

        (await a.PostAsync($"/api/conversations/{id}/messages", new { content = "x", type = "hologram" })).ExpectError(400);
        (await (await app.UserAsync("userC")).PostAsync($"/api/conversations/{id}/messages", new { content = "x", type = "text" })).ExpectError(404);
    }

    // Row: GET /conversations/:id/messages?page&limit — canonical
    [Fact]
    public async Task Messages_are_paged_newest_page_first_in_ascending_order()
    {
        var a = await app.UserAsync("userA");
        var b = await app.UserAsync("userB");
        var id = await PrivateAsync(a, b);
        for (var i = 1; i <= 7; i++) await SendAsync(i % 2 == 0 ? b : a, id, $"m{i}");

        Assert.Equal(["m5", "m6", "m7"], (await MessagesAsync(b, id, "page=1&limit=3")).Select(x => x.Str("content")));
        Assert.Equal(["m2", "m3", "m4"], (await MessagesAsync(b, id, "page=2&limit=3")).Select(x => x.Str("content")));
        Assert.Equal(["m1"], (await MessagesAsync(b, id, "page=3&limit=3")).Select(x => x.Str("content")));
        var all = await MessagesAsync(b, id);
        Assert.Equal(Enumerable.Range(1, 7).Select(i => $"m{i}"), all.Select(x => x.Str("content")));
        Assert.Equal(Enumerable.Range(1, 7).Select(i => (long)i), all.Select(x => x.GetProperty("seq").GetInt64()));
        (await b.GetAsync($"/api/conversations/{id}/messages?page=1&limit=0")).ExpectError(400);
    }

    // Row: POST /conversations/:id/read {lastMessageId} — canonical
    [Fact]
    public async Task Read_up_to_lastMessageId()
    {
        var a = await app.UserAsync("userA");
        var b = await app.UserAsync("userB");
        var id = await PrivateAsync(a, b);
        var sent = new List<JsonElement>();
        for (var i = 1; i <= 4; i++) sent.Add(await SendAsync(a, id, $"m{i}"));

        var read = (await b.PostAsync($"/api/conversations/{id}/read", new { lastMessageId = sent[2].Str("id") })).Expect(200);
        Assert.Equal(id, read.Str("conversationId"));
        Assert.Equal(3, read.GetProperty("lastReadSeq").GetInt64());
        Assert.Equal(1, read.GetProperty("unreadCount").GetInt64());
        Assert.Equal([true, true, true, false], (await MessagesAsync(a, id)).Select(x => x.GetProperty("read").GetBoolean()));

        (await b.PostAsync($"/api/conversations/{id}/read", new { lastMessageId = Guid.NewGuid().ToString() })).ExpectError(404);
        (await (await app.UserAsync("userC")).PostAsync($"/api/conversations/{id}/read", new { lastMessageId = sent[3].Str("id") })).ExpectError(404);
    }

    // Row: PUT /conversations/:id/messages/:messageId {newContent} — canonical
    [Fact]
    public async Task Edit_with_newContent()
    {
        var a = await app.UserAsync("userA");
        var b = await app.UserAsync("userB");
        var id = await PrivateAsync(a, b);
        var sent = await SendAsync(a, id, "draft");

        var edited = (await a.PutAsync($"/api/conversations/{id}/messages/{sent.Str("id")}", new { newContent = "final" })).Expect(200);
        Assert.Equal("final", edited.Str("content"));
        Assert.True(edited.GetProperty("edited").GetBoolean());
        Assert.Equal("final", (await MessagesAsync(b, id)).Single().Str("content"));

        (await b.PutAsync($"/api/conversations/{id}/messages/{sent.Str("id")}", new { newContent = "B's words" })).ExpectError(403);
        (await a.PutAsync($"/api/conversations/{id}/messages/{sent.Str("id")}", new { newContent = "" })).ExpectError(400);
        (await a.PutAsync($"/api/conversations/{id}/messages/{Guid.NewGuid()}", new { newContent = "?" })).ExpectError(404);
        Assert.Equal("final", (await MessagesAsync(b, id)).Single().Str("content"));
    }

    // Row: DELETE /conversations/:id/messages/:messageId — canonical
    [Fact]
    public async Task Delete_under_the_conversation()
    {
        var a = await app.UserAsync("userA");
        var b = await app.UserAsync("userB");
        var id = await PrivateAsync(a, b);
        var sent = await SendAsync(a, id, "regret");
        var other = await PrivateAsync(a, await app.UserAsync("userC"));

        (await b.DeleteAsync($"/api/conversations/{id}/messages/{sent.Str("id")}")).ExpectError(403);
        (await a.DeleteAsync($"/api/conversations/{other}/messages/{sent.Str("id")}")).ExpectError(404);
        var deleted = (await a.DeleteAsync($"/api/conversations/{id}/messages/{sent.Str("id")}")).Expect(200);
        Assert.True(deleted.GetProperty("deleted").GetBoolean());
        var stored = (await MessagesAsync(b, id)).Single();
        Assert.True(stored.GetProperty("deleted").GetBoolean());
        Assert.Equal(JsonValueKind.Null, stored.GetProperty("content").ValueKind);
    }

    // Row: events conversation:new message:new message:updated message:deleted message:read — canonical
    // (the document's "Example Socket Flow": no room joins; every participant's socket hears each change)
    [Fact]
    public async Task Each_change_reaches_the_participants_sockets_as_the_documented_event()
    {
        var a = await app.UserAsync("userA");
        var b = await app.UserAsync("userB");
        var c = await app.UserAsync("userC");
        var outsider = await app.UserAsync("outsider");
        await using var aSocket = await a.OnlineAsync();
        await using var bSocket = await b.OnlineAsync();
        await using var cSocket = await c.OnlineAsync();
        await using var outsiderSocket = await outsider.OnlineAsync();

        // conversation:new — both users of a private conversation, every participant of a group.
        var id = await PrivateAsync(a, b);
        foreach (var socket in new[] { aSocket, bSocket })
            Assert.Equal(id, (await socket.EventAsync("conversation:new", id)).Data().GetProperty("conversation").Str("id"));
        var group = (await a.PostAsync("/api/conversations", new { type = "group", participantIds = new[] { b.Id, c.Id }, name = "Group Name" })).Expect(201).Str("id");
        foreach (var socket in new[] { bSocket, cSocket })
            Assert.Equal("Group Name", (await socket.EventAsync("conversation:new", group)).Data().GetProperty("conversation").Str("name"));

        // message:new — message details and conversationId.
        var sent = await SendAsync(a, id, "ping");
        var created = (await bSocket.EventAsync("message:new", id)).Data();
        Assert.Equal(id, created.Str("conversationId"));
        Assert.Equal(sent.Str("id"), created.GetProperty("message").Str("id"));
        Assert.Equal("ping", created.GetProperty("message").Str("content"));
        Assert.Equal(a.Id, created.GetProperty("message").Str("senderId"));

        // message:updated
        (await a.PutAsync($"/api/conversations/{id}/messages/{sent.Str("id")}", new { newContent = "pong" })).Expect(200);
        var updated = (await bSocket.EventAsync("message:updated", id)).Data();
        Assert.Equal(sent.Str("id"), updated.GetProperty("message").Str("id"));
        Assert.Equal("pong", updated.GetProperty("message").Str("content"));
        Assert.True(updated.GetProperty("message").GetProperty("edited").GetBoolean());

        // message:read — B reads, A hears of it.
        (await b.PostAsync($"/api/conversations/{id}/read", new { lastMessageId = sent.Str("id") })).Expect(200);
        var read = (await aSocket.EventAsync("message:read", id)).Data();
        Assert.Equal(b.Id, read.Str("userId"));
        Assert.Equal(sent.Str("id"), read.Str("messageId"));

        // message:deleted
        (await a.DeleteAsync($"/api/conversations/{id}/messages/{sent.Str("id")}")).Expect(200);
        var deleted = (await bSocket.EventAsync("message:deleted", id)).Data();
        Assert.Equal(sent.Str("id"), deleted.Str("messageId"));
        Assert.Equal(a.Id, deleted.Str("deletedBy"));

        // C is in the group only; the outsider is in neither.
        Assert.DoesNotContain(await cSocket.DrainAsync(), f => f.Data().TryGetProperty("conversationId", out var cid) && cid.GetString() == id);
        Assert.Empty((await outsiderSocket.DrainAsync()).Types());
    }
}
