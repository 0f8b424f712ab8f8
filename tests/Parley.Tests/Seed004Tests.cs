using System.Text.Json;
using Parley.Tests.Support;

namespace Parley.Tests;

/// <summary>
/// A client written from seed 004 (auth, users, AI conversations, connect): snake_case bodies
/// (conversation_id, sender_id, is_ai, profile_picture), login by email, and the fields it reads (user_id,
/// message_id, sender_id … as id, senderId) through the envelope's data; errors read from error.message and
/// error.status. Each test names the SEED-MAP.md "004" row(s) it covers.
/// </summary>
public sealed class Seed004Tests(ParleyApp app) : IClassFixture<ParleyApp>
{
    private const string Password = "hunter2-hunter2";
    private const string IsoMs = @"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$";

    /// <summary>Registers with a profile, then logs in by email, as seed 004's user profile suggests.</summary>
    private async Task<TestUser> SignUpAsync(string name, string? tag = null)
    {
        var username = $"{name}_{tag ?? Guid.NewGuid().ToString("N")[..8]}";
        var email = $"{username}@example.com";
        (await app.AnonymousPostAsync("/api/auth/register", new
        {
            username, email, password = Password, name = $"{name} {tag}".Trim(), profile_picture = $"https://example.com/{username}.jpg",
        })).Expect(201);
        var login = (await app.AnonymousPostAsync("/api/auth/login", new { email, password = Password })).Expect(200);
        return app.SignedIn(username, login);
    }

    private static async Task<string> WithUserAsync(TestUser me, TestUser other) =>
        (await me.PostAsync("/api/conversations", new { is_ai = false, participant_id = other.Id })).Data.Str("id");

    // Row: POST /auth/register, POST /auth/login — canonical
    [Fact]
    public async Task Register_and_login()
    {
        var username = $"john_{Guid.NewGuid().ToString("N")[..8]}";
        var email = $"{username}@example.com";
        var registered = (await app.AnonymousPostAsync("/api/auth/register", new
        {
            username, email, password = Password, name = "John Doe", profile_picture = "https://example.com/profile.jpg",
        })).Expect(201);
        var user = registered.GetProperty("user");
        Assert.Equal(email, user.Str("email"));
        Assert.Equal("John Doe", user.Str("name"));
        Assert.Equal("https://example.com/profile.jpg", user.Str("profilePicture"));
        Assert.False(string.IsNullOrEmpty(registered.Str("token")));

        var byEmail = (await app.AnonymousPostAsync("/api/auth/login", new { email, password = Password })).Expect(200);
        Assert.Equal(user.Str("id"), byEmail.GetProperty("user").Str("id"));
        Assert.Equal("Bearer", byEmail.Str("tokenType"));
        var byName = (await app.AnonymousPostAsync("/api/auth/login", new { username, password = Password })).Expect(200);
        Assert.Equal(user.Str("id"), byName.GetProperty("user").Str("id"));

        (await app.AnonymousPostAsync("/api/auth/login", new { email, password = "nope" })).ExpectError(401);
        (await app.AnonymousPostAsync("/api/auth/register", new { username, email = $"other_{email}", password = Password })).ExpectError(409);
    }

    // Row: GET /conversations — canonical
    [Fact]
    public async Task List_conversations()
    {
        var me = await SignUpAsync("john");
        var jane = await SignUpAsync("jane");
        var withJane = await WithUserAsync(me, jane);
        var ai = (await me.PostAsync("/api/conversations", new { is_ai = true })).Expect(201).Str("id");

        var list = (await me.GetAsync("/api/conversations")).Expect(200);
        Assert.Equal(new HashSet<string> { withJane, ai }, list.Ids().ToHashSet());
        Assert.Equal(new HashSet<string> { withJane }, (await jane.GetAsync("/api/conversations")).Expect(200).Ids().ToHashSet());
    }

    // Row: GET /conversations/{id} "returns messages" — conflicts with 000/001: returns details; messages at /conversations/{id}/messages
    [Fact]
    public async Task Get_conversation_returns_details_and_its_messages_are_under_messages()
    {
        var me = await SignUpAsync("john");
        var jane = await SignUpAsync("jane");
        var id = await WithUserAsync(me, jane);
        (await me.PostAsync("/api/messages", new { conversation_id = id, sender_id = me.Id, message = "Hi, how are you?" })).Expect(201);
        (await jane.PostAsync("/api/messages", new { conversation_id = id, sender_id = jane.Id, message = "I'm good, thanks!" })).Expect(201);

        var details = (await jane.GetAsync($"/api/conversations/{id}")).Expect(200);
        Assert.Equal(id, details.Str("id"));
        Assert.Equal("direct", details.Str("type"));
        Assert.Equal("I'm good, thanks!", details.GetProperty("lastMessage").Str("message"));

        var messages = (await jane.GetAsync($"/api/conversations/{id}/messages")).Expect(200).GetProperty("messages").EnumerateArray().ToList();
        Assert.Equal([me.Id, jane.Id], messages.Select(m => m.Str("senderId")));
        Assert.Equal(["Hi, how are you?", "I'm good, thanks!"], messages.Select(m => m.Str("message")));
        Assert.All(messages, m => Assert.Matches(IsoMs, m.Str("timestamp")));
        (await (await SignUpAsync("eve")).GetAsync($"/api/conversations/{id}")).ExpectError(404);
    }

    // Row: POST /conversations {…, is_ai} — canonical: is_ai:true makes an AI-agent conversation
    [Fact]
    public async Task Is_ai_true_is_a_conversation_with_the_agent_and_false_is_between_two_users()
    {
        var me = await SignUpAsync("john");
        var jane = await SignUpAsync("jane");

        var ai = (await me.PostAsync("/api/conversations", new { is_ai = true })).Expect(201);
        Assert.Equal("ai", ai.Str("type"));
        Assert.True(ai.GetProperty("isAi").GetBoolean());
        var members = ai.GetProperty("members").EnumerateArray().ToList();
        Assert.Equal(2, members.Count);
        Assert.Contains(members, m => m.Str("id") == me.Id && !m.GetProperty("isAgent").GetBoolean());
        var agent = members.Single(m => m.GetProperty("isAgent").GetBoolean());
        Assert.Equal(agent.Str("id"), (await me.GetAsync($"/api/users/{agent.Str("id")}")).Expect(200).Str("id"));
        // A message to the agent's conversation is accepted like any other.
        (await me.PostAsync("/api/messages", new { conversation_id = ai.Str("id"), sender_id = me.Id, message = "Hello agent" })).Expect(201);

        var human = (await me.PostAsync("/api/conversations", new { is_ai = false, participant_id = jane.Id })).Expect(201);
        Assert.Equal("direct", human.Str("type"));
        Assert.False(human.GetProperty("isAi").GetBoolean());
        Assert.Equal(new HashSet<string> { me.Id, jane.Id }, human.GetProperty("members").Ids().ToHashSet());
        Assert.DoesNotContain(human.GetProperty("members").EnumerateArray(), m => m.GetProperty("isAgent").GetBoolean());
    }

    // Row: POST /conversations/{id}/connect — returns the WebSocket URL and whether the caller has a live socket
    [Fact]
    public async Task Connect_tells_where_the_socket_is_and_whether_the_caller_has_one()
    {
        var me = await SignUpAsync("john");
        var jane = await SignUpAsync("jane");
        var id = await WithUserAsync(me, jane);

        var before = (await me.PostAsync($"/api/conversations/{id}/connect")).Expect(200);
        Assert.Equal(id, before.Str("conversationId"));
        Assert.False(before.GetProperty("connected").GetBoolean());
        var url = new Uri(before.Str("url"));
        Assert.Equal("ws", url.Scheme);
        Assert.Equal(app.BaseAddress.Authority, url.Authority);

        // The URL it gave is where a socket connects; then connect says so, and messages arrive in real time.
        await using var socket = await WsClient.ConnectAsync(app, me.Token, url.AbsolutePath);
        Assert.Equal(me.Id, (await socket.NextAsync("ready")).Data().Str("userId"));
        var after = (await me.PostAsync($"/api/conversations/{id}/connect")).Expect(200);
        Assert.True(after.GetProperty("connected").GetBoolean());
        Assert.Equal("WebSocket connected", after.Str("status"));
        Assert.Equal(id, after.Str("conversationId"));
        var sent = (await jane.PostAsync("/api/messages", new { conversation_id = id, sender_id = jane.Id, message = "Hello, how are you?" })).Expect(201);
        var live = (await socket.EventAsync("message:new", id)).Data().GetProperty("message");
        Assert.Equal(sent.Str("id"), live.Str("id"));
        Assert.Equal("Hello, how are you?", live.Str("message"));

        (await (await SignUpAsync("eve")).PostAsync($"/api/conversations/{id}/connect")).ExpectError(404);
        (await me.PostAsync($"/api/conversations/{Guid.NewGuid()}/connect")).ExpectError(404);
    }

    // Row: POST /messages {conversation_id, sender_id, message} — alias of send
    [Fact]
    public async Task Send_message_with_snake_case_fields()
    {
        var me = await SignUpAsync("john");
        var jane = await SignUpAsync("jane");
        var id = await WithUserAsync(me, jane);

        // DESIGN.md: a create answers 201 (the seed shows 200); the fields are the seed's, as id / message / timestamp.
        var m = (await me.PostAsync("/api/messages", new { conversation_id = id, sender_id = me.Id, message = "Hello, how are you?" })).Expect(201);
        Assert.True(Guid.TryParse(m.Str("id"), out _));
        Assert.Equal("Hello, how are you?", m.Str("message"));
        Assert.Matches(IsoMs, m.Str("timestamp"));
        Assert.Equal(me.Id, m.Str("senderId"));
        Assert.Equal(id, m.Str("conversationId"));
        Assert.Equal(m.Str("id"), (await jane.GetAsync($"/api/conversations/{id}/messages")).Expect(200).GetProperty("messages")[0].Str("id"));

        (await me.PostAsync("/api/messages", new { conversation_id = id, sender_id = jane.Id, message = "as jane" })).ExpectError(403);
        (await me.PostAsync("/api/messages", new { conversation_id = id, sender_id = me.Id })).ExpectError(400);
    }

    // Row: GET /users/{user_id}, GET /users — canonical (list supports search and paging)
    [Fact]
    public async Task User_profiles_one_and_all_with_search_and_paging()
    {
        var tag = Guid.NewGuid().ToString("N")[..8];
        var me = await SignUpAsync("john", tag);
        var jane = await SignUpAsync("jane", tag);
        var zed = await SignUpAsync("zed", tag);

        var profile = (await me.GetAsync($"/api/users/{jane.Id}")).Expect(200);
        Assert.Equal(jane.Id, profile.Str("id"));
        // The seed's shape, with the email its owner's alone (Privacy__EmailVisibility).
        Assert.Equal(System.Text.Json.JsonValueKind.Null, profile.GetProperty("email").ValueKind);
        Assert.Equal($"jane {tag}", profile.Str("name"));
        Assert.Equal($"https://example.com/{jane.Username}.jpg", profile.Str("profilePicture"));
        (await me.GetAsync($"/api/users/{Guid.NewGuid()}")).ExpectError(404, "not_found");

        var all = (await me.GetAsync("/api/users?limit=100")).Expect(200);
        Assert.Superset(new HashSet<string> { me.Id, jane.Id, zed.Id }, all.Ids().ToHashSet());
        Assert.All(all.EnumerateArray(), u =>
        {
            Assert.True(u.TryGetProperty("email", out _));
            Assert.True(u.TryGetProperty("name", out _));
            Assert.True(u.TryGetProperty("profilePicture", out _));
        });

        var found = await me.GetAsync($"/api/users?search=jane_{tag}");
        Assert.Equal([jane.Id], found.Expect(200).Ids());
        var page1 = await me.GetAsync("/api/users?limit=2&page=1");
        Assert.Equal(2, page1.Expect(200).GetArrayLength());
        Assert.True(long.Parse(page1.Raw.Headers.GetValues("X-Total-Count").Single()) >= 3);
        var page2 = (await me.GetAsync("/api/users?limit=2&page=2")).Expect(200);
        Assert.Empty(page1.Data.Ids().Intersect(page2.Ids()));
    }

    // Row: error {error:{message,status}} — served by the envelope's error object
    [Fact]
    public async Task Errors_carry_error_message_and_status()
    {
        var me = await SignUpAsync("john");

        var notFound = await me.GetAsync($"/api/conversations/{Guid.NewGuid()}");
        Assert.Equal(404, notFound.Error.GetProperty("status").GetInt32());
        Assert.Equal("Conversation not found", notFound.Error.Str("message"));

        var bad = await me.PostAsync("/api/messages", new { conversation_id = Guid.NewGuid().ToString(), sender_id = me.Id });
        Assert.Equal(400, bad.Error.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrEmpty(bad.Error.Str("message")));

        var unauthorized = await ApiResponse.ReadAsync(await app.Http().GetAsync("/api/conversations"));
        Assert.Equal(401, unauthorized.Error.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrEmpty(unauthorized.Error.Str("message")));

        using var malformed = new StringContent("{\"conversation_id\": ", System.Text.Encoding.UTF8, "application/json");
        var broken = await ApiResponse.ReadAsync(await me.Http.PostAsync("/api/messages", malformed));
        Assert.Equal(400, broken.Error.GetProperty("status").GetInt32());
        Assert.Equal(JsonValueKind.String, broken.Error.GetProperty("message").ValueKind);
    }
}
