using System.Text.Json;
using Parley.Tests.Support;

namespace Parley.Tests;

/// <summary>
/// Seed 001 walked literally on a server whose profile is seed-001 (Compat__Profile): the envelope
/// {success, statusCode, message, data}, <c>_id</c> everywhere (never <c>id</c>), <c>senderId</c> populated as
/// {_id, name, email, profilePicture}, a direct conversation's type "1on1", and <c>error</c> as a string.
/// </summary>
public sealed class Seed001ProfileTests(Seed001App app) : IClassFixture<Seed001App>
{
    private const string IsoMs = @"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$";

    private async Task<SeedClient> PersonAsync(string name)
    {
        var username = $"{name}_{Guid.NewGuid().ToString("N")[..8]}";
        var anonymous = new SeedClient(app, profile: null);
        var registered = Data((await anonymous.PostAsync("/api/auth/register",
            new { username, password = "correct-horse", email = $"{username}@example.com", name })).Expect(201), 201);
        var me = anonymous.SignedIn(registered.Str("token"), registered.GetProperty("user").Str("_id"), username);
        Data((await me.PutAsync($"/api/users/{me.Id}", new { profilePicture = $"https://example.com/{name}.jpg" })).Expect(200), 200);
        return me;
    }

    /// <summary>The envelope's data, after checking the envelope is seed 001's.</summary>
    private static JsonElement Data(JsonElement body, int status)
    {
        Assert.True(body.GetProperty("success").GetBoolean(), body.ToString());
        Assert.Equal(status, body.GetProperty("statusCode").GetInt32());
        Assert.Equal(JsonValueKind.String, body.GetProperty("message").ValueKind);
        var data = body.GetProperty("data");
        data.NowhereHas("id", "payload");
        return data;
    }

    private static void SeedError(JsonElement body, int status)
    {
        Assert.Equal(["success", "statusCode", "message", "error"], body.Keys());
        Assert.False(body.GetProperty("success").GetBoolean());
        Assert.Equal(status, body.GetProperty("statusCode").GetInt32());
        Assert.Equal(JsonValueKind.String, body.GetProperty("error").ValueKind);
        Assert.False(string.IsNullOrEmpty(body.Str("error")));
    }

    private static JsonElement Member(JsonElement conversation, SeedClient user) =>
        conversation.GetProperty("members").EnumerateArray().Single(m => m.Str("_id") == user.Id);

    [Fact]
    public async Task Conversations_1on1_and_group_answer_with_id_members_and_1on1_type()
    {
        var john = await PersonAsync("john");
        var jane = await PersonAsync("jane");
        var bob = await PersonAsync("bob");

        var direct = Data((await john.PostAsync("/api/conversations/1on1", new { receiverId = jane.Id })).Expect(201), 201);
        Assert.Equal("1on1", direct.Str("type"));
        Assert.Equal(john.Id, direct.Str("createdBy"));
        Assert.Equal("active", direct.Str("status"));
        Assert.Matches(IsoMs, direct.Str("createdAt"));
        Assert.Matches(IsoMs, direct.Str("updatedAt"));
        var member = Member(direct, jane);
        member.HasKeys("_id", "name", "email", "profilePicture");
        Assert.Equal("https://example.com/jane.jpg", member.Str("profilePicture"));

        var group = Data((await john.PostAsync("/api/conversations/group",
            new { name = "Project Team", members = new[] { john.Id, jane.Id, bob.Id } })).Expect(201), 201);
        Assert.Equal("group", group.Str("type"));
        Assert.Equal("Project Team", group.Str("name"));
        Assert.Equal(new HashSet<string> { john.Id, jane.Id, bob.Id }, group.GetProperty("members").Ids("_id").ToHashSet());

        await john.PostAsync("/api/messages", new { conversationId = direct.Str("_id"), message = "Hello there!", messageType = "text" });
        var list = Data((await john.GetAsync("/api/conversations")).Expect(200), 200);
        var listed = list.EnumerateArray().Single(c => c.Str("_id") == direct.Str("_id"));
        Assert.Equal("1on1", listed.Str("type"));
        var last = listed.GetProperty("lastMessage");
        last.HasKeys("_id", "message", "timestamp");
        Assert.Equal("Hello there!", last.Str("message"));

        var one = Data((await jane.GetAsync($"/api/conversations/{group.Str("_id")}")).Expect(200), 200);
        Assert.Equal(group.Str("_id"), one.Str("_id"));
        one.HasKeys("members", "createdBy", "status");
    }

    [Fact]
    public async Task Send_message_populates_senderId_and_keeps_the_payload_as_sent()
    {
        var john = await PersonAsync("john");
        var jane = await PersonAsync("jane");
        var conversationId = Data((await john.PostAsync("/api/conversations/1on1", new { receiverId = jane.Id })).Expect(201), 201).Str("_id");

        var sent = (await john.PostAsync("/api/messages", new
        {
            conversationId, message = "Hello everyone!", messageType = "text", fileUrl = "https://example.com/file.pdf",
            payload = new { customData = "value", id = "kept as sent" },
        })).Expect(201);
        Assert.Equal("Message sent successfully", sent.Str("message"));
        var m = Data(sent, 201);
        Assert.Equal(conversationId, m.Str("conversationId"));
        var sender = m.GetProperty("senderId");
        Assert.Equal(JsonValueKind.Object, sender.ValueKind);
        Assert.Equal(john.Id, sender.Str("_id"));
        Assert.Equal("john", sender.Str("name"));
        Assert.Equal(JsonValueKind.Null, sender.GetProperty("email").ValueKind); // the seed's field; senders never carry the email
        Assert.Equal("https://example.com/john.jpg", sender.Str("profilePicture"));
        m.LacksKeys("sender", "id");
        Assert.Equal(jane.Id, m.Str("receiverId"));
        Assert.Equal("Hello everyone!", m.Str("message"));
        Assert.Equal("text", m.Str("messageType"));
        Assert.Equal("https://example.com/file.pdf", m.Str("fileUrl"));
        Assert.Equal("value", m.GetProperty("payload").Str("customData"));
        Assert.Equal("kept as sent", m.GetProperty("payload").Str("id"));
        Assert.Matches(IsoMs, m.Str("timestamp"));
        Assert.False(m.GetProperty("read").GetBoolean());
        Assert.Equal("saved", m.Str("status"));
        Assert.False(m.GetProperty("edited").GetBoolean());
        Assert.False(m.GetProperty("deleted").GetBoolean());

        var page = Data((await jane.GetAsync($"/api/messages/conversation/{conversationId}?page=1&limit=20")).Expect(200), 200);
        var listed = page.GetProperty("messages").EnumerateArray().Single();
        Assert.Equal(m.Str("_id"), listed.Str("_id"));
        Assert.Equal(john.Id, listed.GetProperty("senderId").Str("_id"));
        page.GetProperty("pagination").HasKeys("currentPage", "totalPages", "totalMessages", "hasNextPage", "hasPrevPage");
    }

    [Fact]
    public async Task Read_edit_delete_and_unread_answer_with_id()
    {
        var john = await PersonAsync("john");
        var jane = await PersonAsync("jane");
        var conversationId = Data((await john.PostAsync("/api/conversations/1on1", new { receiverId = jane.Id })).Expect(201), 201).Str("_id");
        var first = Data((await john.PostAsync("/api/messages", new { conversationId, message = "one" })).Expect(201), 201).Str("_id");
        var second = Data((await john.PostAsync("/api/messages", new { conversationId, message = "two" })).Expect(201), 201).Str("_id");

        Assert.Equal(2, Data((await jane.GetAsync("/api/messages/unread/count")).Expect(200), 200).GetProperty("unreadCount").GetInt64());
        Assert.Equal(2, Data((await jane.GetAsync($"/api/messages/unread/count/{conversationId}")).Expect(200), 200).GetProperty("unreadCount").GetInt64());

        var one = Data((await jane.PutAsync($"/api/messages/{first}/read")).Expect(200), 200);
        Assert.Equal(first, one.Str("_id"));
        Assert.True(one.GetProperty("read").GetBoolean());
        var seen = one.GetProperty("seenBy").EnumerateArray().Single(s => s.Str("userId") == jane.Id);
        Assert.Matches(IsoMs, seen.Str("timestamp"));
        Assert.Equal(1, Data((await jane.PutAsync($"/api/messages/conversation/{conversationId}/read")).Expect(200), 200).GetProperty("modifiedCount").GetInt64());

        var edited = Data((await john.PutAsync($"/api/messages/{second}", new { message = "Updated message content" })).Expect(200), 200);
        Assert.Equal(second, edited.Str("_id"));
        Assert.Equal("Updated message content", edited.Str("message"));
        Assert.True(edited.GetProperty("edited").GetBoolean());
        Assert.Matches(IsoMs, edited.Str("editedAt"));

        var deleted = Data((await john.DeleteAsync($"/api/messages/{second}")).Expect(200), 200);
        Assert.Equal(second, deleted.Str("_id"));
        Assert.True(deleted.GetProperty("deleted").GetBoolean());
        Assert.Equal(john.Id, deleted.Str("deletedBy"));
        Assert.Matches(IsoMs, deleted.Str("deletedAt"));
    }

    [Fact]
    public async Task Errors_carry_error_as_a_string()
    {
        var john = await PersonAsync("john");
        SeedError((await john.GetAsync($"/api/conversations/{Guid.NewGuid()}")).Expect(404), 404);
        var invalid = (await john.PostAsync("/api/conversations/1on1", new { })).Expect(400);
        SeedError(invalid, 400);
        Assert.Contains("receiverId", invalid.Str("error"));
        SeedError((await new SeedClient(app, null).GetAsync("/api/conversations")).Expect(401), 401);
        var jane = await PersonAsync("jane");
        var conversationId = Data((await john.PostAsync("/api/conversations/1on1", new { receiverId = jane.Id })).Expect(201), 201).Str("_id");
        var message = Data((await john.PostAsync("/api/messages", new { conversationId, message = "mine" })).Expect(201), 201).Str("_id");
        SeedError((await jane.PutAsync($"/api/messages/{message}", new { message = "not yours" })).Expect(403), 403);
    }
}
