using System.Text.Json;
using Parley.Tests.Support;

namespace Parley.Tests;

/// <summary>
/// A client written from seed 001 (Node/Socket.IO style, envelope success/statusCode/message/data): its
/// /conversations/1on1 and /group, its /messages routes and bodies (receiverId, members, message,
/// messageType, fileUrl, payload), and the fields its responses show, with id for _id. Each test names the
/// SEED-MAP.md "001" row(s) it covers.
/// </summary>
public sealed class Seed001Tests(ParleyApp app) : IClassFixture<ParleyApp>
{
    private const string IsoMs = @"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$";

    /// <summary>A signed-in user with a profile picture, as seed 001's members show one.</summary>
    private async Task<TestUser> PersonAsync(string name)
    {
        var user = await app.UserAsync(name);
        (await user.PutAsync($"/api/users/{user.Id}", new { profilePicture = $"https://example.com/{name}.jpg" })).Expect(200);
        return user;
    }

    private static async Task<string> OneOnOneAsync(TestUser me, TestUser other) =>
        (await me.PostAsync("/api/conversations/1on1", new { receiverId = other.Id })).Data.Str("id");

    private static async Task<string> GroupAsync(TestUser me, params TestUser[] others) =>
        (await me.PostAsync("/api/conversations/group", new { name = "Project Team", members = others.Select(o => o.Id).Prepend(me.Id) })).Expect(201).Str("id");

    private static async Task<JsonElement> SendAsync(TestUser me, string conversationId, string message) =>
        (await me.PostAsync("/api/messages", new { conversationId, message, messageType = "text" })).Expect(201);

    private static JsonElement Member(JsonElement conversation, TestUser user) =>
        conversation.GetProperty("members").EnumerateArray().Single(m => m.Str("id") == user.Id);

    // Row: POST /conversations/1on1 {receiverId} — alias of create direct
    [Fact]
    public async Task Create_1on1_with_receiverId()
    {
        var john = await PersonAsync("john");
        var jane = await PersonAsync("jane");

        var response = await john.PostAsync("/api/conversations/1on1", new { receiverId = jane.Id });
        var c = response.Expect(201);
        Assert.Equal("1-on-1 conversation created successfully", response.Root.Str("message"));
        Assert.Equal("direct", c.Str("type"));
        Assert.Equal(john.Id, c.Str("createdBy"));
        Assert.Equal("active", c.Str("status"));
        Assert.Matches(IsoMs, c.Str("createdAt"));
        Assert.Matches(IsoMs, c.Str("updatedAt"));
        var member = Member(c, jane);
        Assert.Equal("jane", member.Str("name"));
        Assert.Equal(JsonValueKind.Null, member.GetProperty("email").ValueKind); // the seed's field; the email is its owner's alone
        Assert.Equal("https://example.com/jane.jpg", member.Str("profilePicture"));
        Assert.Equal("https://example.com/john.jpg", Member(c, john).Str("profilePicture"));

        // Asking again (from either side) returns the same conversation.
        var again = (await jane.PostAsync("/api/conversations/1on1", new { receiverId = john.Id })).Expect(200);
        Assert.Equal(c.Str("id"), again.Str("id"));
        (await john.PostAsync("/api/conversations/1on1", new { })).ExpectError(400, "validation_failed");
        (await john.PostAsync("/api/conversations/1on1", new { receiverId = Guid.NewGuid().ToString() })).ExpectError(404);
    }

    // Row: POST /conversations/group {name, members} — alias of create group
    [Fact]
    public async Task Create_group_with_name_and_members()
    {
        var john = await PersonAsync("john");
        var jane = await PersonAsync("jane");
        var bob = await PersonAsync("bob");

        var response = await john.PostAsync("/api/conversations/group", new { name = "Project Team", members = new[] { john.Id, jane.Id, bob.Id } });
        var c = response.Expect(201);
        Assert.Equal("Group conversation created successfully", response.Root.Str("message"));
        Assert.Equal("Project Team", c.Str("name"));
        Assert.Equal("group", c.Str("type"));
        Assert.Equal(john.Id, c.Str("createdBy"));
        Assert.Equal("active", c.Str("status"));
        Assert.Matches(IsoMs, c.Str("createdAt"));
        Assert.Equal(new HashSet<string> { john.Id, jane.Id, bob.Id }, c.GetProperty("members").Ids().ToHashSet());
        Assert.Equal("bob", Member(c, bob).Str("name"));
        Assert.Equal(JsonValueKind.Null, Member(c, bob).GetProperty("email").ValueKind);

        (await john.PostAsync("/api/conversations/group", new { members = new[] { jane.Id } })).ExpectError(400, "validation_failed");
    }

    // Row: GET /conversations, GET /conversations/:id — canonical
    [Fact]
    public async Task Get_conversations_and_one_conversation_show_members_and_last_message()
    {
        var john = await PersonAsync("john");
        var jane = await PersonAsync("jane");
        var id = await OneOnOneAsync(john, jane);
        var sent = await SendAsync(jane, id, "Hello there!");

        var response = await john.GetAsync("/api/conversations");
        var list = response.Expect(200);
        Assert.Equal("Conversations retrieved successfully", response.Root.Str("message"));
        var c = Assert.Single(list.EnumerateArray());
        Assert.Equal(id, c.Str("id"));
        Assert.Equal("direct", c.Str("type"));
        Assert.Equal(2, c.GetProperty("members").GetArrayLength());
        var last = c.GetProperty("lastMessage");
        Assert.Equal(sent.Str("id"), last.Str("id"));
        Assert.Equal("Hello there!", last.Str("message"));
        Assert.Equal(sent.Str("timestamp"), last.Str("timestamp"));
        Assert.Equal(sent.Str("timestamp"), c.Str("lastMessageAt"));
        Assert.Matches(IsoMs, c.Str("createdAt"));

        var one = await john.GetAsync($"/api/conversations/{id}");
        var details = one.Expect(200);
        Assert.Equal("Conversation retrieved successfully", one.Root.Str("message"));
        Assert.Equal(id, details.Str("id"));
        Assert.Equal("Hello there!", details.GetProperty("lastMessage").Str("message"));
        Assert.Equal(john.Id, details.Str("createdBy"));
        Assert.Equal("active", details.Str("status"));
        Assert.Equal("jane", Member(details, jane).Str("name"));
        (await (await app.UserAsync("eve")).GetAsync($"/api/conversations/{id}")).ExpectError(404);
    }

    // Row: POST /conversations/:id/members {members:[…]} — canonical
    [Fact]
    public async Task Add_members_as_a_list()
    {
        var john = await PersonAsync("john");
        var jane = await PersonAsync("jane");
        var bob = await PersonAsync("bob");
        var amy = await PersonAsync("amy");
        var id = await GroupAsync(john, jane);

        var c = (await john.PostAsync($"/api/conversations/{id}/members", new { members = new[] { bob.Id, amy.Id } })).Expect(200);
        Assert.Equal(new HashSet<string> { amy.Id, bob.Id, jane.Id, john.Id }, c.GetProperty("members").Ids().ToHashSet());
        Assert.Equal(id, (await amy.GetAsync($"/api/conversations/{id}")).Expect(200).Str("id"));
        Assert.Contains(id, (await bob.GetAsync("/api/conversations")).Expect(200).Ids());
    }

    // Row: DELETE /conversations/:id/members {members:[…]} — canonical (body form)
    [Fact]
    public async Task Remove_members_with_a_body_list_is_for_the_creator()
    {
        var john = await PersonAsync("john");
        var jane = await PersonAsync("jane");
        var bob = await PersonAsync("bob");
        var amy = await PersonAsync("amy");
        var id = await GroupAsync(john, jane, bob, amy);

        (await jane.DeleteAsync($"/api/conversations/{id}/members", new { members = new[] { bob.Id } })).ExpectError(403);
        var c = (await john.DeleteAsync($"/api/conversations/{id}/members", new { members = new[] { bob.Id, amy.Id } })).Expect(200);
        Assert.Equal(new HashSet<string> { jane.Id, john.Id }, c.GetProperty("members").Ids().ToHashSet());
        (await bob.GetAsync($"/api/conversations/{id}")).ExpectError(404);
        (await amy.GetAsync($"/api/conversations/{id}")).ExpectError(404);
        (await john.DeleteAsync($"/api/conversations/{id}/members", new { })).ExpectError(400);
    }

    // Row: PUT /conversations/:id {name} — canonical
    [Fact]
    public async Task Update_group_name_is_for_the_creator()
    {
        var john = await PersonAsync("john");
        var jane = await PersonAsync("jane");
        var id = await GroupAsync(john, jane);

        Assert.Equal("Updated Group Name", (await john.PutAsync($"/api/conversations/{id}", new { name = "Updated Group Name" })).Expect(200).Str("name"));
        Assert.Equal("Updated Group Name", (await jane.GetAsync($"/api/conversations/{id}")).Expect(200).Str("name"));
        (await jane.PutAsync($"/api/conversations/{id}", new { name = "Jane's" })).ExpectError(403);
        Assert.Equal("Updated Group Name", (await jane.GetAsync($"/api/conversations/{id}")).Expect(200).Str("name"));
    }

    // Row: DELETE /conversations/:id/leave — canonical
    [Fact]
    public async Task Leave_a_conversation()
    {
        var john = await PersonAsync("john");
        var jane = await PersonAsync("jane");
        var bob = await PersonAsync("bob");
        var id = await GroupAsync(john, jane, bob);

        (await jane.DeleteAsync($"/api/conversations/{id}/leave")).Expect(200);
        (await jane.GetAsync($"/api/conversations/{id}")).ExpectError(404);
        Assert.DoesNotContain(id, (await jane.GetAsync("/api/conversations")).Expect(200).Ids());
        Assert.DoesNotContain(jane.Id, (await john.GetAsync($"/api/conversations/{id}")).Expect(200).GetProperty("members").Ids());

        // The creator leaving does not delete the group for the others.
        (await john.DeleteAsync($"/api/conversations/{id}/leave")).Expect(200);
        Assert.Equal([bob.Id], (await bob.GetAsync($"/api/conversations/{id}")).Expect(200).GetProperty("members").Ids());
        (await jane.DeleteAsync($"/api/conversations/{id}/leave")).ExpectError(404);
    }

    // Row: POST /messages {conversationId, message, messageType, fileUrl, payload} — alias of send
    [Fact]
    public async Task Send_message_with_the_full_body()
    {
        var john = await PersonAsync("john");
        var jane = await PersonAsync("jane");
        var id = await OneOnOneAsync(john, jane);

        var response = await john.PostAsync("/api/messages", new
        {
            conversationId = id, message = "Hello everyone!", messageType = "text", fileUrl = "https://example.com/file.pdf",
            payload = new { customData = "value" },
        });
        var m = response.Expect(201);
        Assert.Equal("Message sent successfully", response.Root.Str("message"));
        Assert.Equal(id, m.Str("conversationId"));
        Assert.Equal(john.Id, m.Str("senderId"));
        var sender = m.GetProperty("sender");
        Assert.Equal(john.Id, sender.Str("id"));
        Assert.Equal("john", sender.Str("name"));
        Assert.Equal(JsonValueKind.Null, sender.GetProperty("email").ValueKind);
        Assert.Equal("https://example.com/john.jpg", sender.Str("profilePicture"));
        Assert.Equal(jane.Id, m.Str("receiverId"));
        Assert.Equal("Hello everyone!", m.Str("message"));
        Assert.Equal("text", m.Str("messageType"));
        Assert.Equal("https://example.com/file.pdf", m.Str("fileUrl"));
        Assert.Equal("value", m.GetProperty("payload").Str("customData"));
        Assert.Matches(IsoMs, m.Str("timestamp"));
        Assert.False(m.GetProperty("read").GetBoolean());
        Assert.Equal("saved", m.Str("status"));
        Assert.False(m.GetProperty("edited").GetBoolean());
        Assert.False(m.GetProperty("deleted").GetBoolean());

        var stored = (await jane.GetAsync($"/api/messages/conversation/{id}")).Expect(200).GetProperty("messages")[0];
        Assert.Equal(m.Str("id"), stored.Str("id"));
        Assert.Equal("value", stored.GetProperty("payload").Str("customData"));

        (await john.PostAsync("/api/messages", new { conversationId = id, messageType = "text" })).ExpectError(400, "validation_failed");
        (await (await app.UserAsync("eve")).PostAsync("/api/messages", new { conversationId = id, message = "hi" })).ExpectError(404);
    }

    // Row: GET /messages/conversation/:id?page&limit → {messages, pagination} — alias of list
    [Fact]
    public async Task Get_messages_pages_with_the_pagination_block()
    {
        var john = await PersonAsync("john");
        var jane = await PersonAsync("jane");
        var id = await OneOnOneAsync(john, jane);
        for (var i = 1; i <= 45; i++) await SendAsync(i % 2 == 0 ? jane : john, id, $"m{i}");

        var response = await jane.GetAsync($"/api/messages/conversation/{id}?page=1&limit=20");
        var page1 = response.Expect(200);
        Assert.Equal("Messages retrieved successfully", response.Root.Str("message"));
        var messages = page1.GetProperty("messages").EnumerateArray().ToList();
        Assert.Equal(Enumerable.Range(26, 20).Select(i => $"m{i}"), messages.Select(m => m.Str("message")));
        var first = messages[0];
        Assert.Equal(id, first.Str("conversationId"));
        Assert.Equal(jane.Id, first.Str("senderId"));
        Assert.Equal("jane", first.GetProperty("sender").Str("name"));
        Assert.Matches(IsoMs, first.Str("timestamp"));
        Assert.False(first.GetProperty("edited").GetBoolean());
        // m26 (jane's) was read by john when he sent m27; m45 (john's, the newest) is not read by jane yet.
        Assert.True(first.GetProperty("read").GetBoolean());
        Assert.False(messages[^1].GetProperty("read").GetBoolean());
        var p = page1.GetProperty("pagination");
        Assert.Equal(1, p.GetProperty("currentPage").GetInt32());
        Assert.Equal(3, p.GetProperty("totalPages").GetInt32());
        Assert.Equal(45, p.GetProperty("totalMessages").GetInt32());
        Assert.True(p.GetProperty("hasNextPage").GetBoolean());
        Assert.False(p.GetProperty("hasPrevPage").GetBoolean());

        var page3 = (await jane.GetAsync($"/api/messages/conversation/{id}?page=3&limit=20")).Expect(200);
        Assert.Equal(Enumerable.Range(1, 5).Select(i => $"m{i}"), page3.GetProperty("messages").EnumerateArray().Select(m => m.Str("message")));
        Assert.False(page3.GetProperty("pagination").GetProperty("hasNextPage").GetBoolean());
        Assert.True(page3.GetProperty("pagination").GetProperty("hasPrevPage").GetBoolean());

        // Defaults: page 1, limit 50.
        var all = (await jane.GetAsync($"/api/messages/conversation/{id}")).Expect(200);
        Assert.Equal(45, all.GetProperty("messages").GetArrayLength());
        Assert.Equal(1, all.GetProperty("pagination").GetProperty("totalPages").GetInt32());
        (await jane.GetAsync($"/api/messages/conversation/{id}?page=abc")).ExpectError(400);
    }

    // Row: PUT /messages/conversation/:id/read → {modifiedCount} — alias: mark all read
    [Fact]
    public async Task Mark_all_read_returns_modifiedCount()
    {
        var john = await PersonAsync("john");
        var jane = await PersonAsync("jane");
        var id = await OneOnOneAsync(john, jane);
        // Sending moves the sender's own marker, so jane's message comes first: what she has not read is john's five after it.
        await SendAsync(jane, id, "mine");
        for (var i = 1; i <= 5; i++) await SendAsync(john, id, $"m{i}");

        var response = await jane.PutAsync($"/api/messages/conversation/{id}/read");
        Assert.Equal(5, response.Expect(200).GetProperty("modifiedCount").GetInt64());
        Assert.Equal("Messages marked as read", response.Root.Str("message"));
        Assert.Equal(0, (await jane.GetAsync($"/api/messages/unread/count/{id}")).Expect(200).GetProperty("unreadCount").GetInt64());
        Assert.Equal(0, (await jane.PutAsync($"/api/messages/conversation/{id}/read")).Expect(200).GetProperty("modifiedCount").GetInt64());
        var seenByJohn = (await john.GetAsync($"/api/messages/conversation/{id}")).Expect(200).GetProperty("messages").EnumerateArray().ToList();
        Assert.All(seenByJohn.Where(m => m.Str("senderId") == john.Id), m => Assert.True(m.GetProperty("read").GetBoolean()));
    }

    // Row: PUT /messages/:messageId/read → {_id, read, seenBy} — alias: marker to message
    [Fact]
    public async Task Mark_one_message_read_returns_read_and_seenBy()
    {
        var john = await PersonAsync("john");
        var jane = await PersonAsync("jane");
        var id = await OneOnOneAsync(john, jane);
        var first = await SendAsync(john, id, "first");
        await SendAsync(john, id, "second");

        var response = await jane.PutAsync($"/api/messages/{first.Str("id")}/read");
        var r = response.Expect(200);
        Assert.Equal("Message marked as read", response.Root.Str("message"));
        Assert.Equal(first.Str("id"), r.Str("id"));
        Assert.True(r.GetProperty("read").GetBoolean());
        var seen = r.GetProperty("seenBy").EnumerateArray().Single(s => s.Str("userId") == jane.Id);
        Assert.Matches(IsoMs, seen.Str("timestamp"));
        Assert.Equal(1, (await jane.GetAsync($"/api/messages/unread/count/{id}")).Expect(200).GetProperty("unreadCount").GetInt64());
        (await jane.PutAsync($"/api/messages/{Guid.NewGuid()}/read")).ExpectError(404);
    }

    // Row: PUT /messages/:messageId {message} — alias of edit
    [Fact]
    public async Task Edit_message_is_for_the_sender()
    {
        var john = await PersonAsync("john");
        var jane = await PersonAsync("jane");
        var id = await OneOnOneAsync(john, jane);
        var sent = await SendAsync(john, id, "Original");

        var response = await john.PutAsync($"/api/messages/{sent.Str("id")}", new { message = "Updated message content" });
        var m = response.Expect(200);
        Assert.Equal("Message updated successfully", response.Root.Str("message"));
        Assert.Equal(sent.Str("id"), m.Str("id"));
        Assert.Equal("Updated message content", m.Str("message"));
        Assert.True(m.GetProperty("edited").GetBoolean());
        Assert.Matches(IsoMs, m.Str("editedAt"));

        (await jane.PutAsync($"/api/messages/{sent.Str("id")}", new { message = "Jane's words" })).ExpectError(403);
        var stored = (await jane.GetAsync($"/api/messages/conversation/{id}")).Expect(200).GetProperty("messages")[0];
        Assert.Equal("Updated message content", stored.Str("message"));
        Assert.True(stored.GetProperty("edited").GetBoolean());
    }

    // Row: DELETE /messages/:messageId → {deleted, deletedBy, deletedAt} — alias of soft delete
    [Fact]
    public async Task Delete_message_is_a_soft_delete_by_the_sender()
    {
        var john = await PersonAsync("john");
        var jane = await PersonAsync("jane");
        var id = await OneOnOneAsync(john, jane);
        var sent = await SendAsync(john, id, "Oops");

        (await jane.DeleteAsync($"/api/messages/{sent.Str("id")}")).ExpectError(403);
        var response = await john.DeleteAsync($"/api/messages/{sent.Str("id")}");
        var d = response.Expect(200);
        Assert.Equal("Message deleted successfully", response.Root.Str("message"));
        Assert.Equal(sent.Str("id"), d.Str("id"));
        Assert.True(d.GetProperty("deleted").GetBoolean());
        Assert.Equal(john.Id, d.Str("deletedBy"));
        Assert.Matches(IsoMs, d.Str("deletedAt"));

        var stored = (await jane.GetAsync($"/api/messages/conversation/{id}")).Expect(200).GetProperty("messages")[0];
        Assert.True(stored.GetProperty("deleted").GetBoolean());
        Assert.Equal(JsonValueKind.Null, stored.GetProperty("message").ValueKind);
        (await john.DeleteAsync($"/api/messages/{Guid.NewGuid()}")).ExpectError(404);
    }

    // Row: GET /messages/unread/count, /messages/unread/count/:conversationId — canonical
    [Fact]
    public async Task Unread_counts_in_total_and_per_conversation()
    {
        var john = await PersonAsync("john");
        var jane = await PersonAsync("jane");
        var bob = await PersonAsync("bob");
        var direct = await OneOnOneAsync(john, jane);
        var group = await GroupAsync(bob, jane);
        await SendAsync(jane, group, "mine does not count");
        for (var i = 0; i < 3; i++) await SendAsync(john, direct, $"d{i}");
        for (var i = 0; i < 9; i++) await SendAsync(bob, group, $"g{i}");

        var total = await jane.GetAsync("/api/messages/unread/count");
        Assert.Equal(12, total.Expect(200).GetProperty("unreadCount").GetInt64());
        Assert.Equal("Unread count retrieved", total.Root.Str("message"));
        Assert.Equal(3, (await jane.GetAsync($"/api/messages/unread/count/{direct}")).Expect(200).GetProperty("unreadCount").GetInt64());
        Assert.Equal(9, (await jane.GetAsync($"/api/messages/unread/count/{group}")).Expect(200).GetProperty("unreadCount").GetInt64());
        Assert.Equal(0, (await john.GetAsync("/api/messages/unread/count")).Expect(200).GetProperty("unreadCount").GetInt64());
        (await john.GetAsync($"/api/messages/unread/count/{group}")).ExpectError(404);
    }

    // Row: message types text visitor checkin checkout task note file splitMoney — all accepted
    [Fact]
    public async Task Every_documented_message_type_is_accepted()
    {
        var john = await PersonAsync("john");
        var jane = await PersonAsync("jane");
        var id = await OneOnOneAsync(john, jane);
        string[] types = ["text", "visitor", "checkin", "checkout", "task", "note", "file", "splitMoney"];

        foreach (var type in types)
        {
            var m = (await john.PostAsync("/api/messages", new
            {
                conversationId = id, message = $"a {type} message", messageType = type, fileUrl = "https://example.com/receipt.pdf",
                payload = new { amount = 12.5, kind = type },
            })).Expect(201);
            Assert.Equal(type, m.Str("messageType"));
        }
        var history = (await jane.GetAsync($"/api/messages/conversation/{id}")).Expect(200).GetProperty("messages").EnumerateArray().ToList();
        Assert.Equal(types, history.Select(m => m.Str("messageType")));
        Assert.Equal(12.5, history.Single(m => m.Str("messageType") == "splitMoney").GetProperty("payload").GetProperty("amount").GetDouble());
        (await john.PostAsync("/api/messages", new { conversationId = id, message = "?", messageType = "telegram" })).ExpectError(400, "validation_failed");
    }

    // Row: Socket.IO events sendMessage getMessages markMessagesRead createGroup joinGroup —
    //      gateway requests message:send messages:get message:read conversation:create; joining is automatic
    [Fact]
    public async Task The_socket_handlers_are_gateway_requests_and_members_need_no_join()
    {
        var john = await PersonAsync("john");
        var jane = await PersonAsync("jane");
        var bob = await PersonAsync("bob");
        await using var johnSocket = await john.OnlineAsync();
        await using var janeSocket = await jane.OnlineAsync();
        await using var bobSocket = await bob.OnlineAsync();

        // createGroup → conversation:create, with seed 001's group body. Members are in it at once (no joinGroup).
        var created = await johnSocket.RequestAsync("conversation:create", new { name = "Project Team", members = new[] { jane.Id, bob.Id } });
        Assert.True(created.GetProperty("ok").GetBoolean(), created.ToString());
        var group = created.Data();
        Assert.Equal("group", group.Str("type"));
        Assert.Equal("Project Team", group.Str("name"));
        Assert.Equal(new HashSet<string> { john.Id, jane.Id, bob.Id }, group.GetProperty("members").Ids().ToHashSet());
        var id = group.Str("id");
        Assert.Equal(id, (await janeSocket.EventAsync("conversation:new", id)).Data().GetProperty("conversation").Str("id"));

        // sendMessage → message:send, with seed 001's message body; every member's socket gets it.
        var sent = await janeSocket.RequestAsync("message:send", new { conversationId = id, message = "Hello everyone!", messageType = "text" });
        Assert.True(sent.GetProperty("ok").GetBoolean(), sent.ToString());
        var message = sent.Data();
        Assert.Equal("Hello everyone!", message.Str("message"));
        Assert.Equal("text", message.Str("messageType"));
        Assert.Equal(jane.Id, message.Str("senderId"));
        foreach (var socket in new[] { johnSocket, bobSocket })
            Assert.Equal(message.Str("id"), (await socket.NextAsync(f => f.Is("message:new", id) && f.Data().GetProperty("message").Str("id") == message.Str("id")))
                .Data().GetProperty("message").Str("id"));

        // getMessages → messages:get, paged like GET /messages/conversation/:id.
        var got = await bobSocket.RequestAsync("messages:get", new { conversationId = id, page = 1, limit = 20 });
        Assert.True(got.GetProperty("ok").GetBoolean(), got.ToString());
        var page = got.Data();
        Assert.Contains(message.Str("id"), page.GetProperty("messages").Ids());
        Assert.Equal(1, page.GetProperty("pagination").GetProperty("currentPage").GetInt32());

        // markMessagesRead → message:read: bob's unread count drops to zero and the others hear of it.
        Assert.True((await bob.GetAsync($"/api/messages/unread/count/{id}")).Expect(200).GetProperty("unreadCount").GetInt64() > 0);
        var read = await bobSocket.RequestAsync("message:read", new { conversationId = id });
        Assert.True(read.GetProperty("ok").GetBoolean(), read.ToString());
        Assert.True(read.Data().GetProperty("modifiedCount").GetInt64() > 0);
        Assert.Equal(0, (await bob.GetAsync($"/api/messages/unread/count/{id}")).Expect(200).GetProperty("unreadCount").GetInt64());
        Assert.Equal(bob.Id, (await janeSocket.EventAsync("message:read", id)).Data().Str("userId"));

        // A request the caller may not make is an ack with ok:false and the error object.
        var outsider = await PersonAsync("eve");
        await using var eveSocket = await outsider.OnlineAsync();
        var refused = await eveSocket.RequestAsync("message:send", new { conversationId = id, message = "let me in" });
        Assert.False(refused.GetProperty("ok").GetBoolean());
        Assert.Equal(404, refused.GetProperty("error").GetProperty("status").GetInt32());
    }
}
