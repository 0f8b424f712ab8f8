using System.Text;
using System.Text.Json;
using Parley.Tests.Support;

namespace Parley.Tests;

/// <summary>
/// Seed 004 walked literally on a server whose profile is seed-004 (Compat__Profile): a client that knows only that
/// document sends no profile header and reads bare snake_case bodies (user_id, message_id, sender_id,
/// profile_picture), 200 from POST /api/messages/, a message list from GET /api/conversations/{id}, and errors as
/// {error: {message, status}}.
/// </summary>
public sealed class Seed004ProfileTests(Seed004App app) : IClassFixture<Seed004App>
{
    private const string Password = "hunter2-hunter2";
    private const string Iso = @"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$";

    private SeedClient Anonymous => new(app, profile: null);

    private async Task<SeedClient> SignUpAsync(string name)
    {
        var username = $"{name}_{Guid.NewGuid().ToString("N")[..8]}";
        var email = $"{username}@example.com";
        var registered = (await Anonymous.PostAsync("/api/auth/register", new
        {
            username, email, password = Password, name, profile_picture = $"https://example.com/{username}.jpg",
        })).Expect(201);
        registered.AllSnakeCase();
        var login = (await Anonymous.PostAsync("/api/auth/login", new { email, password = Password })).Expect(200);
        login.HasKeys("token", "token_type", "user");
        var user = login.GetProperty("user");
        user.HasKeys("user_id", "email", "name", "profile_picture");
        user.LacksKeys("id", "profilePicture");
        return Anonymous.SignedIn(login.Str("token"), user.Str("user_id"), username);
    }

    private static async Task<string> WithAsync(SeedClient me, SeedClient other)
    {
        var created = (await me.PostAsync("/api/conversations", new { is_ai = false, participant_id = other.Id })).Expect(201);
        created.AllSnakeCase();
        return created.Str("conversation_id");
    }

    private static async Task SendAsync(SeedClient from, string conversationId, string text) =>
        (await from.PostAsync("/api/messages/", new { conversation_id = conversationId, sender_id = from.Id, message = text })).Expect(200);

    [Fact]
    public async Task Register_and_login_answer_bare_snake_case_with_user_id()
    {
        var me = await SignUpAsync("john");
        var profile = (await me.GetAsync($"/api/users/{me.Id}")).Expect(200);
        Assert.Equal(me.Id, profile.Str("user_id"));
        Assert.Equal($"{me.Username}@example.com", profile.Str("email"));
        Assert.Equal("john", profile.Str("name"));
        Assert.Equal($"https://example.com/{me.Username}.jpg", profile.Str("profile_picture"));
        profile.LacksKeys("id", "success", "data", "profilePicture");
        profile.AllSnakeCase();

        var wrong = (await Anonymous.PostAsync("/api/auth/login", new { email = $"{me.Username}@example.com", password = "nope" })).Expect(401);
        Assert.Equal(["error"], wrong.Keys());
        Assert.Equal(401, wrong.GetProperty("error").GetProperty("status").GetInt32());
    }

    [Fact]
    public async Task Get_conversation_is_its_messages_as_sender_id_message_timestamp()
    {
        var me = await SignUpAsync("john");
        var jane = await SignUpAsync("jane");
        var id = await WithAsync(me, jane);
        await SendAsync(me, id, "Hi, how are you?");
        await SendAsync(jane, id, "I'm good, thanks!");

        var messages = (await jane.GetAsync($"/api/conversations/{id}")).Expect(200);
        Assert.Equal(JsonValueKind.Array, messages.ValueKind);
        Assert.All(messages.EnumerateArray(), m => Assert.Equal(["sender_id", "message", "timestamp"], m.Keys()));
        Assert.Equal([me.Id, jane.Id], messages.EnumerateArray().Select(m => m.Str("sender_id")));
        Assert.Equal(["Hi, how are you?", "I'm good, thanks!"], messages.EnumerateArray().Select(m => m.Str("message")));
        Assert.All(messages.EnumerateArray(), m => Assert.Matches(Iso, m.Str("timestamp")));
        // A trailing slash is the same route.
        Assert.Equal(2, (await jane.GetAsync($"/api/conversations/{id}/")).Expect(200).GetArrayLength());

        var outsider = await SignUpAsync("eve");
        var hidden = (await outsider.GetAsync($"/api/conversations/{id}")).Expect(404);
        Assert.Equal(["error"], hidden.Keys());
        Assert.Equal(["message", "status"], hidden.GetProperty("error").Keys());
        Assert.Equal(404, hidden.GetProperty("error").GetProperty("status").GetInt32());
    }

    [Fact]
    public async Task Post_messages_answers_200_with_message_id_message_timestamp()
    {
        var me = await SignUpAsync("john");
        var jane = await SignUpAsync("jane");
        var id = await WithAsync(me, jane);

        var sent = (await me.PostAsync("/api/messages/", new { conversation_id = id, sender_id = me.Id, message = "Hello, how are you?" })).Expect(200);
        Assert.Equal(["message_id", "message", "timestamp"], sent.Keys());
        Assert.True(Guid.TryParse(sent.Str("message_id"), out _));
        Assert.Equal("Hello, how are you?", sent.Str("message"));
        Assert.Matches(Iso, sent.Str("timestamp"));

        // As someone else, or without the message: the seed's error shape with the status.
        var forbidden = (await me.PostAsync("/api/messages/", new { conversation_id = id, sender_id = jane.Id, message = "as jane" })).Expect(403);
        Assert.Equal(403, forbidden.GetProperty("error").GetProperty("status").GetInt32());
        var bad = (await me.PostAsync("/api/messages/", new { conversation_id = id, sender_id = me.Id })).Expect(400);
        Assert.Equal(["message", "status"], bad.GetProperty("error").Keys());
        Assert.Equal(400, bad.GetProperty("error").GetProperty("status").GetInt32());
        using var broken = new StringContent("{\"conversation_id\": ", Encoding.UTF8, "application/json");
        var malformed = (await me.SendAsync(HttpMethod.Post, "/api/messages/", content: broken)).Expect(400);
        Assert.Equal(JsonValueKind.String, malformed.GetProperty("error").GetProperty("message").ValueKind);
    }

    [Fact]
    public async Task Conversations_list_and_create_use_conversation_id_and_members_user_id()
    {
        var me = await SignUpAsync("john");
        var jane = await SignUpAsync("jane");
        var withJane = await WithAsync(me, jane);
        var ai = (await me.PostAsync("/api/conversations", new { is_ai = true })).Expect(201);
        ai.AllSnakeCase();
        Assert.Equal("ai", ai.Str("type"));
        Assert.True(ai.GetProperty("is_ai").GetBoolean());
        Assert.All(ai.GetProperty("members").EnumerateArray(), m =>
        {
            m.HasKeys("user_id", "name", "profile_picture", "is_agent", "role");
            m.LacksKeys("id", "userId");
        });

        var list = (await me.GetAsync("/api/conversations")).Expect(200);
        Assert.Equal(JsonValueKind.Array, list.ValueKind);
        list.AllSnakeCase();
        Assert.Equal(new HashSet<string> { withJane, ai.Str("conversation_id") }, list.EnumerateArray().Select(c => c.Str("conversation_id")).ToHashSet());
        list.NowhereHas("id");
    }

    [Fact]
    public async Task Users_list_is_an_array_of_user_profiles()
    {
        var me = await SignUpAsync("john");
        var jane = await SignUpAsync("jane");
        var all = (await me.GetAsync("/api/users/?limit=100")).Expect(200);
        Assert.Equal(JsonValueKind.Array, all.ValueKind);
        Assert.Superset(new HashSet<string> { me.Id, jane.Id }, all.EnumerateArray().Select(u => u.Str("user_id")).ToHashSet());
        Assert.All(all.EnumerateArray(), u => u.HasKeys("user_id", "email", "name", "profile_picture"));
        all.AllSnakeCase();
    }

    [Fact]
    public async Task Connect_then_the_socket_gets_snake_case_events()
    {
        var me = await SignUpAsync("john");
        var jane = await SignUpAsync("jane");
        var id = await WithAsync(me, jane);

        var connect = (await me.PostAsync($"/api/conversations/{id}/connect")).Expect(200);
        connect.HasKeys("status", "conversation_id", "url");
        Assert.Equal(id, connect.Str("conversation_id"));
        await using var socket = await WsClient.ConnectAsync(app, me.Token, new Uri(connect.Str("url")).AbsolutePath);
        await socket.NextAsync("ready");
        Assert.Equal("WebSocket connected", (await me.PostAsync($"/api/conversations/{id}/connect")).Expect(200).Str("status"));

        await SendAsync(jane, id, "Hello, how are you?");
        var live = await socket.NextAsync(f => f.Str("type") == "message:new");
        var data = live.GetProperty("data");
        data.AllSnakeCase("payload");
        Assert.Equal(id, data.Str("conversation_id"));
        var message = data.GetProperty("message");
        Assert.Equal(jane.Id, message.Str("sender_id"));
        Assert.Equal("Hello, how are you?", message.Str("message"));
        message.HasKeys("message_id", "timestamp");
        message.LacksKeys("id");

        var unauthorized = (await Anonymous.GetAsync("/api/conversations")).Expect(401);
        Assert.Equal(401, unauthorized.GetProperty("error").GetProperty("status").GetInt32());
    }

    [Fact]
    public async Task A_client_that_asks_for_parley_gets_parley_on_this_server()
    {
        var me = await SignUpAsync("john");
        var jane = await SignUpAsync("jane");
        var id = await WithAsync(me, jane);
        var web = new SeedClient(app, "parley", me.Token);

        var details = (await web.GetAsync($"/api/conversations/{id}")).Expect(200);
        Assert.True(details.GetProperty("success").GetBoolean());
        Assert.Equal(id, details.GetProperty("data").Str("id"));
        Assert.Equal(201, (await web.PostAsync("/api/messages/", new { conversationId = id, content = "from the web client" })).Status);

        await using var socket = await WsClient.ConnectAsync(app, me.Token, "/ws?profile=parley");
        Assert.Equal(me.Id, (await socket.NextAsync("ready")).GetProperty("data").Str("userId"));
        await SendAsync(jane, id, "seen by the web client");
        var live = await socket.NextAsync(f => f.Str("type") == "message:new" && f.GetProperty("data").GetProperty("message").Str("senderId") == jane.Id);
        Assert.Equal(id, live.GetProperty("data").Str("conversationId"));
    }
}
