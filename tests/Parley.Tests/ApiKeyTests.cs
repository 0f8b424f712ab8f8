using System.Net.WebSockets;
using Parley.Server.Realtime;
using Parley.Tests.Support;

namespace Parley.Tests;

/// <summary>Server API keys: created by administrators, scopes enforced route by route, bots that send and receive, revocation.</summary>
public sealed class ApiKeyTests(AdminApp app) : IClassFixture<AdminApp>
{
    [Fact]
    public async Task Only_admins_manage_keys_and_the_secret_is_shown_once_and_audited()
    {
        var carol = await app.UserAsync("carol");
        (await carol.PostAsync("/api/admin/api-keys", new { name = "mine" })).ExpectError(404);
        (await carol.GetAsync("/api/admin/api-keys")).ExpectError(404);
        (await app.Admin.PostAsync("/api/admin/api-keys", new { name = " " })).ExpectError(400);
        (await app.Admin.PostAsync("/api/admin/api-keys", new { name = "x", scopes = new[] { "everything" } })).ExpectError(400);

        var created = (await app.Admin.PostAsync("/api/admin/api-keys", new { name = "backend" })).Expect(201);
        Assert.StartsWith("parley_sk_", created.Str("secret"));
        Assert.Equal(["users", "tokens", "conversations", "messages"], created.GetProperty("scopes").EnumerateArray().Select(s => s.GetString()));
        var listed = (await app.Admin.GetAsync("/api/admin/api-keys")).Expect(200).EnumerateArray().Single(k => k.Str("id") == created.Str("id"));
        Assert.False(listed.TryGetProperty("secret", out _));
        Assert.DoesNotContain(created.Str("secret"), listed.ToString());
        Assert.Equal(0, await app.ScalarAsync("SELECT COUNT(*) FROM api_keys WHERE secret_hash = @s", new { s = created.Str("secret") }));
        var audit = (await app.Admin.GetAsync("/api/admin/audit?limit=100")).Expect(200).EnumerateArray();
        Assert.Contains(audit, e => e.Str("action") == "api_key.created" && e.Str("targetId") == created.Str("id"));

        // Bad keys, and keys on the admin routes: the same envelope as a bad token.
        (await AppKeys.KeyClient(app, "x", "parley_sk_nope").GetAsync("/api/apps/bots")).ExpectError(401);
        (await AppKeys.KeyClient(app, "x", "garbage").PostAsync("/api/apps/tokens", new { userId = carol.Id })).ExpectError(401);
        var key = AppKeys.KeyClient(app, created.Str("id"), created.Str("secret"));
        (await key.GetAsync("/api/admin/api-keys")).ExpectError(403);
        (await carol.GetAsync("/api/apps/bots")).ExpectError(401);
    }

    [Fact]
    public async Task Each_scope_opens_its_routes_and_no_other()
    {
        var (dana, erin) = (await app.UserAsync("dana"), await app.UserAsync("erin"));
        var users = await app.Admin.CreateKeyAsync("users");
        var tokens = await app.Admin.CreateKeyAsync("tokens");
        var conversations = await app.Admin.CreateKeyAsync("conversations");
        var messages = await app.Admin.CreateKeyAsync("messages");

        // users: accounts and bots, nothing else.
        var made = (await users.PostAsync("/api/apps/users", new { username = $"made_{Guid.NewGuid().ToString("N")[..8]}", name = "Made" })).Expect(201);
        Assert.False(made.GetProperty("isBot").GetBoolean());
        Assert.Equal("Renamed", (await users.PutAsync($"/api/apps/users/{made.Str("id")}", new { name = "Renamed" })).Expect(200).Str("name"));
        (await users.PostAsync("/api/apps/users", new { username = "x" })).ExpectError(400);
        (await users.PostAsync("/api/apps/users", new { username = made.Str("username") })).ExpectError(409);
        var usersBot = await users.BotAsync();
        (await users.PostAsync("/api/apps/tokens", new { userId = dana.Id })).ExpectError(403);
        (await users.PostAsync("/api/apps/conversations", new { ownerId = dana.Id, type = "group", name = "g", memberIds = new[] { erin.Id } })).ExpectError(403);
        // No messages scope: it cannot act as its own bot.
        (await usersBot.GetAsync("/api/users/me")).ExpectError(403);

        // tokens: a working token for a person; other keys' bots are not its to sign in.
        var minted = (await tokens.PostAsync("/api/apps/tokens", new { userId = made.Str("id"), lifetime = 3600 })).Expect(201);
        Assert.InRange(DateTimeOffset.Parse(minted.Str("expiresAt")), DateTimeOffset.UtcNow.AddMinutes(59), DateTimeOffset.UtcNow.AddMinutes(61));
        Assert.Equal(made.Str("id"), (await new TestUser("", "", "", app.Http(minted.Str("token")), app).GetAsync("/api/users/me")).Expect(200).Str("id"));
        (await tokens.PostAsync("/api/apps/tokens", new { userId = usersBot.Id })).ExpectError(404);
        (await tokens.PostAsync("/api/apps/tokens", new { userId = dana.Id, lifetime = 5 })).ExpectError(400);
        (await tokens.PostAsync("/api/apps/users", new { username = "nobody_here" })).ExpectError(403);
        (await tokens.GetAsync("/api/apps/bots")).ExpectError(403);

        // conversations: create one owned by a person, add and remove members.
        var group = (await conversations.PostAsync("/api/apps/conversations",
            new { ownerId = dana.Id, type = "group", name = "Support", memberIds = new[] { erin.Id } })).Expect(201).Str("id");
        (await conversations.PostAsync($"/api/apps/conversations/{group}/members", new { userIds = new[] { made.Str("id") } })).Expect(200);
        (await conversations.DeleteAsync($"/api/apps/conversations/{group}/members/{erin.Id}")).Expect(200);
        Assert.DoesNotContain(erin.Id, (await dana.GetAsync($"/api/conversations/{group}")).Expect(200).GetProperty("members").EnumerateArray().Select(m => m.Str("id")));
        (await conversations.PostAsync($"/api/apps/conversations/{Guid.NewGuid()}/members", new { userIds = new[] { erin.Id } })).ExpectError(404);
        (await conversations.PostAsync("/api/apps/users", new { username = "nobody_here" })).ExpectError(403);
        (await conversations.PostAsync("/api/apps/tokens", new { userId = dana.Id })).ExpectError(403);

        // messages: only as a bot of its own (it owns none, and cannot make one).
        (await messages.PostAsync("/api/apps/bots", new { username = "nope_bot", displayName = "No" })).ExpectError(403);
        (await AppKeys.KeyClient(app, messages.Id, messages.Token, usersBot.Id).GetAsync("/api/users/me")).ExpectError(403);
        (await messages.GetAsync("/api/users/me")).ExpectError(403);
    }

    [Fact]
    public async Task A_bot_sends_through_its_key_and_receives_on_a_socket_opened_with_it_until_the_key_is_revoked()
    {
        var key = await app.Admin.CreateKeyAsync();
        var bot = await key.BotAsync("support");
        var frank = await app.UserAsync("frank");
        Assert.True((await frank.GetAsync($"/api/users/{bot.Id}")).Expect(200).GetProperty("isBot").GetBoolean());
        var group = await frank.GroupAsync(bot);
        await using var frankSocket = await frank.OnlineAsync();
        var botSocket = await WsClient.ConnectAsync(app, key.Token, $"/ws/{bot.Id}", TokenIn.Query);
        Assert.Equal(bot.Id, (await botSocket.NextAsync("ready")).Data().Str("userId"));

        await frank.SendAsync(group, "hello bot");
        Assert.Equal("hello bot", (await botSocket.EventAsync("message:new", group)).Data().GetProperty("message").Str("content"));
        var sent = (await bot.PostAsync("/api/messages", new { conversationId = group, content = "hello human" })).Expect(201);
        Assert.Equal(bot.Id, sent.Str("senderId"));
        await frankSocket.NextAsync(f => f.Is("message:new", group) && f.Data().GetProperty("message").Str("content") == "hello human");

        // Another key's bot, or a socket for a user that is no bot of the key: refused.
        var other = await app.Admin.CreateKeyAsync();
        (await AppKeys.KeyClient(app, other.Id, other.Token, bot.Id).PostAsync("/api/messages", new { conversationId = group, content = "x" })).ExpectError(403);
        Assert.Equal(System.Net.HttpStatusCode.Forbidden, await WsClient.RefusedAsync(app, other.Token, $"/ws/{bot.Id}", TokenIn.Query));
        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, await WsClient.RefusedAsync(app, key.Token, "/ws", TokenIn.Query));

        (await app.Admin.DeleteAsync($"/api/admin/api-keys/{key.Id}")).Expect(200);
        Assert.Equal(Gateway.Unauthorized, await botSocket.ClosedAsync());
        (await bot.PostAsync("/api/messages", new { conversationId = group, content = "still?" })).ExpectError(401);
        (await key.GetAsync("/api/apps/bots")).ExpectError(401);
        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, await WsClient.RefusedAsync(app, key.Token, $"/ws/{bot.Id}", TokenIn.Query));
        var audit = (await app.Admin.GetAsync("/api/admin/audit?limit=100")).Expect(200).EnumerateArray();
        Assert.Contains(audit, e => e.Str("action") == "api_key.revoked" && e.Str("targetId") == key.Id);
        (await app.Admin.DeleteAsync($"/api/admin/api-keys/{Guid.NewGuid()}")).ExpectError(404);
        await botSocket.DisposeAsync();
    }
}

/// <summary>A key revoked on one node fails on the other at once: the bus message, not the cache's age, makes it so.</summary>
public sealed class ApiKeyCrossNodeTests
{
    [Fact]
    public async Task A_key_revoked_on_one_node_fails_on_the_other_at_once()
    {
        var redis = ClusterNode.Redis();
        var (channel, signing) = ClusterNode.Deployment();
        // Keys cached for an hour: only the bus message can make node B notice in time.
        KeyValuePair<string, string>[] cache = [new("Auth:StampCacheSeconds", "3600")];
        await using var a = new ClusterNode(redis, channel, signing) { Extra = cache };
        await a.InitializeAsync();
        await using var b = new ClusterNode(redis, channel, signing) { Extra = cache, SharesDatabaseWith = a };
        await b.InitializeAsync();
        await ClusterNode.WithLogsAsync(async () =>
        {
            var admin = await a.UserAsync("founder");
            var key = await admin.CreateKeyAsync();
            var bot = await key.BotAsync();
            var onB = AppKeys.KeyClient(b, key.Id, key.Token);
            var botOnB = AppKeys.KeyClient(b, key.Id, key.Token, bot.Id);
            (await onB.GetAsync("/api/apps/bots")).Expect(200);
            (await botOnB.GetAsync("/api/users/me")).Expect(200);

            (await admin.DeleteAsync($"/api/admin/api-keys/{key.Id}")).Expect(200);
            (await key.GetAsync("/api/apps/bots")).ExpectError(401);
            if (redis is null) return;
            (await onB.GetAsync("/api/apps/bots")).ExpectError(401);
            (await botOnB.GetAsync("/api/users/me")).ExpectError(401);
        }, a, b);
    }
}
