using Parley.Tests.Support;

namespace Parley.Tests;

/// <summary>The real socket.io-client 4.x against /socket.io/: transports and the upgrade, auth, acks, events, recovery.</summary>
public sealed class SocketIoTests(ParleyApp app) : IClassFixture<ParleyApp>
{
    public static TheoryData<string> Transports => new() { "websocket", "polling", "polling,websocket" };

    private Task<SocketIoClient> ConnectAsync(TestUser user, string transports = "polling,websocket", object? extra = null) =>
        SocketIoClient.ConnectAsync(app.BaseAddress, new { auth = new { token = user.Token }, transports = transports.Split(','), query = extra });

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task A_client_on_each_transport_sends_with_acks_and_receives_seed_003_events_with_their_offset(string transports)
    {
        var (alice, bob) = (await app.UserAsync("alice"), await app.UserAsync("bob"));
        var id = await alice.GroupAsync("group", bob);
        await using var bobSocket = await ConnectAsync(bob, transports);
        var connected = await bobSocket.NextAsync("connect");
        if (transports.Contains(',')) Assert.Equal("websocket", (await bobSocket.NextAsync("upgrade")).Str("transport"));
        else Assert.Equal(transports, connected.Str("transport"));
        var ready = await bobSocket.EventAsync("ready");
        Assert.Equal(bob.Id, ready[0].Str("userId"));
        await using var aliceSocket = await ConnectAsync(alice, transports);

        var ack = await aliceSocket.EmitAsync("message:send", new { conversationId = id, content = "hello over socket.io" });
        Assert.True(ack.GetProperty("ok").GetBoolean(), ack.ToString());
        var sent = ack.GetProperty("data");
        var args = await bobSocket.EventAsync("message:new", a => a[0].GetProperty("message").Str("id") == sent.Str("id"));
        Assert.Equal("hello over socket.io", args[0].GetProperty("message").Str("content"));
        Assert.Equal(id, args[0].Str("conversationId"));
        // The recovery offset rides last: the event's cursor.
        Assert.True(long.Parse(args[1].GetString()!) > ready[0].GetProperty("cursor").GetInt64());

        var seedAck = await aliceSocket.EmitAsync("sendMessage", new { conversationId = id, message = "seed 001 style", messageType = "text" });
        Assert.True(seedAck.GetProperty("ok").GetBoolean(), seedAck.ToString());
        await bobSocket.EventAsync("message:new", a => a[0].GetProperty("message").Str("content") == "seed 001 style");
        var typing = await aliceSocket.EmitAsync("typing:start", new { conversationId = id });
        Assert.True(typing.GetProperty("ok").GetBoolean(), typing.ToString());
        await bobSocket.EventAsync("typing", a => a[0].Str("userId") == alice.Id);
    }

    [Fact]
    public async Task Seed_001_socket_events_are_answered_by_the_native_requests_they_mean()
    {
        var (alice, bob, carol) = (await app.UserAsync("alice"), await app.UserAsync("bob"), await app.UserAsync("carol"));
        await using var socket = await ConnectAsync(alice, "websocket");
        await socket.NextAsync("connect");

        var group = await socket.EmitAsync("createGroup", new { name = "Weekend plans", members = new[] { bob.Id } });
        Assert.True(group.GetProperty("ok").GetBoolean(), group.ToString());
        Assert.Equal("group", group.GetProperty("data").Str("type"));
        var id = group.GetProperty("data").Str("id");

        var joined = await socket.EmitAsync("joinGroup", new { conversationId = id });
        Assert.True(joined.GetProperty("ok").GetBoolean());
        Assert.Equal(id, joined.GetProperty("data").Str("id"));
        await using var outsider = await ConnectAsync(carol, "websocket");
        var refused = await outsider.EmitAsync("joinGroup", id);
        Assert.False(refused.GetProperty("ok").GetBoolean());
        Assert.Equal(404, refused.GetProperty("error").GetProperty("status").GetInt32());

        await bob.SendAsync(id, "first");
        var page = await socket.EmitAsync("getMessages", new { conversationId = id });
        Assert.Contains(page.GetProperty("data").GetProperty("messages").EnumerateArray(), m => m.Str("content") == "first");
        var read = await socket.EmitAsync("markMessagesRead", new { conversationId = id });
        Assert.True(read.GetProperty("ok").GetBoolean(), read.ToString());
        Assert.Equal(0, await alice.UnreadAsync(id));

        var unknown = await socket.EmitAsync("noSuchEvent", new { });
        Assert.Equal("unknown_request", unknown.GetProperty("error").Str("code"));
        var invalid = await socket.EmitAsync("message:send", new { conversationId = id });
        Assert.Equal(400, invalid.GetProperty("error").GetProperty("status").GetInt32());
    }

    [Fact]
    public async Task The_token_comes_from_auth_the_query_or_the_header_and_a_bad_one_is_a_connect_error()
    {
        var alice = await app.UserAsync("alice");
        await using (var byQuery = await SocketIoClient.ConnectAsync(app.BaseAddress, new { query = new { token = alice.Token }, transports = new[] { "polling" } }))
            await byQuery.NextAsync("connect");
        await using (var byHeader = await SocketIoClient.ConnectAsync(app.BaseAddress, new { extraHeaders = new { Authorization = "Bearer " + alice.Token } }))
            await byHeader.NextAsync("connect");

        await using var bad = await SocketIoClient.ConnectAsync(app.BaseAddress, new { auth = new { token = "not-a-token" }, reconnection = false });
        var error = await bad.NextAsync("connect_error");
        Assert.Equal("Invalid or expired token", error.Str("message"));
        Assert.Equal(401, error.GetProperty("data").GetProperty("status").GetInt32());
        await using var none = await SocketIoClient.ConnectAsync(app.BaseAddress, new { reconnection = false });
        Assert.Contains("Authentication required", (await none.NextAsync("connect_error")).Str("message"));
        await using var badProfile = await SocketIoClient.ConnectAsync(app.BaseAddress,
            new { auth = new { token = alice.Token }, query = new { profile = "no-such-profile" }, reconnection = false });
        Assert.Contains("Unknown profile", (await badProfile.NextAsync("connect_error")).Str("message"));
    }

    [Theory]
    [InlineData("websocket")]
    [InlineData("polling")]
    public async Task A_client_that_reconnects_with_its_offset_gets_what_it_missed_in_order(string transport)
    {
        var (alice, bob) = (await app.UserAsync("alice"), await app.UserAsync("bob"));
        var id = await alice.GroupAsync("group", bob);
        await using var socket = await ConnectAsync(alice, transport);
        Assert.False((await socket.NextAsync("connect")).GetProperty("recovered").GetBoolean());
        await socket.EventAsync("ready");

        await socket.SendAsync(new { cmd = "disconnect" });
        await socket.NextAsync("disconnect");
        var sent = new List<long>();
        for (var i = 0; i < 3; i++) sent.Add((await bob.SendAsync(id, $"missed {i}")).Seq());
        await socket.SendAsync(new { cmd = "reconnect" });

        Assert.True((await socket.NextAsync("connect")).GetProperty("recovered").GetBoolean());
        var replayed = new List<long>();
        for (var i = 0; i < 3; i++) replayed.Add((await socket.EventAsync("message:new"))[0].GetProperty("message").Seq());
        Assert.Equal(sent, replayed);
    }
}

public sealed class ShortRetentionApp : ParleyApp
{
    protected override IEnumerable<KeyValuePair<string, string>> Settings => [new("Gateway:EventRetention", "00:00:00.001")];
}

public sealed class SocketIoRecoveryGapTests(ShortRetentionApp app) : IClassFixture<ShortRetentionApp>
{
    [Fact]
    public async Task An_offset_whose_events_have_expired_reconnects_with_recovered_false()
    {
        var (alice, bob) = (await app.UserAsync("alice"), await app.UserAsync("bob"));
        var id = await alice.GroupAsync("group", bob);
        await using var socket = await SocketIoClient.ConnectAsync(app.BaseAddress, new { auth = new { token = alice.Token }, transports = new[] { "websocket" } });
        await socket.EventAsync("ready");
        await socket.SendAsync(new { cmd = "disconnect" });
        await socket.NextAsync("disconnect");
        await bob.SendAsync(id, "expires at once");
        await socket.SendAsync(new { cmd = "reconnect" });

        Assert.False((await socket.NextAsync("connect")).GetProperty("recovered").GetBoolean());
        Assert.DoesNotContain(socket.Pending(), r => r.Str("type") == "event" && r.Str("name") == "message:new");
    }
}
