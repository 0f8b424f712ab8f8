using System.Net;
using System.Net.WebSockets;
using System.Text.Json;
using Parley.Tests.Support;

namespace Parley.Tests;

public sealed class GatewayApp : ParleyApp
{
    protected override IEnumerable<KeyValuePair<string, string>> Settings =>
    [
        new("Gateway:TypingTimeout", "00:00:00.500"),
        new("Gateway:AuthTimeout", "00:00:01"),
        new("Presence:OfflineGrace", "00:00:00.200"),
    ];
}

public sealed class GatewayTests(GatewayApp app) : IClassFixture<GatewayApp>
{
    [Fact]
    public async Task Plain_requests_and_bad_tokens_are_refused_before_the_upgrade()
    {
        var alice = await app.UserAsync("alice");
        var bob = await app.UserAsync("bob");

        var plain = await ApiResponse.ReadAsync(await app.Http().GetAsync("/ws"));
        plain.ExpectError(401, "unauthorized");
        Assert.Equal(HttpStatusCode.Unauthorized, await WsClient.RefusedAsync(app, "not-a-token"));
        Assert.Equal(HttpStatusCode.Unauthorized, await WsClient.RefusedAsync(app, alice.Token + "x", via: TokenIn.Query));
        Assert.Equal(HttpStatusCode.Forbidden, await WsClient.RefusedAsync(app, alice.Token, $"/ws/{bob.Id}"));
        var upgradeMissing = await ApiResponse.ReadAsync(await alice.Http.GetAsync("/ws"));
        upgradeMissing.ExpectError(400);
    }

    [Fact]
    public async Task A_socket_authenticates_with_the_header_the_query_or_a_first_auth_frame()
    {
        var alice = await app.UserAsync("alice");
        await using var byHeader = await alice.OnlineAsync();
        await using var byQuery = await alice.OnlineAsync($"/ws/{alice.Id}", TokenIn.Query);

        await using var byFrame = await WsClient.ConnectAsync(app, null);
        await byFrame.SendAsync("auth", new { token = alice.Token });
        var ready = (await byFrame.NextAsync("ready")).Data();
        Assert.Equal(alice.Id, ready.Str("userId"));
        Assert.True(ready.GetProperty("cursor").GetInt64() >= 0);
        var pong = await byFrame.RequestAsync("ping");
        Assert.True(pong.GetProperty("ok").GetBoolean());
        Assert.True(pong.Data().TryGetProperty("serverTime", out _));
    }

    [Fact]
    public async Task A_bad_auth_frame_closes_4401_another_users_socket_4403_and_silence_times_out()
    {
        var alice = await app.UserAsync("alice");
        var bob = await app.UserAsync("bob");

        await using var badToken = await WsClient.ConnectAsync(app, null);
        await badToken.SendAsync("auth", new { token = "nope" });
        Assert.Equal((WebSocketCloseStatus)4401, await badToken.ClosedAsync());
        Assert.Contains("token", badToken.CloseDescription);

        await using var notAuth = await WsClient.ConnectAsync(app, null);
        await notAuth.SendAsync("ping", null, "p1");
        Assert.Equal((WebSocketCloseStatus)4401, await notAuth.ClosedAsync());

        await using var wrongUser = await WsClient.ConnectAsync(app, null, $"/ws/{bob.Id}");
        await wrongUser.SendAsync("auth", new { token = alice.Token });
        Assert.Equal((WebSocketCloseStatus)4403, await wrongUser.ClosedAsync());

        await using var silent = await WsClient.ConnectAsync(app, null);
        Assert.Equal((WebSocketCloseStatus)4401, await silent.ClosedAsync());
        Assert.Contains("timed out", silent.CloseDescription);
    }

    [Fact]
    public async Task Every_conversation_event_reaches_exactly_the_members_on_all_their_devices()
    {
        var (alice, bob, carol, dave) = (await app.UserAsync("alice"), await app.UserAsync("bob"), await app.UserAsync("carol"), await app.UserAsync("dave"));
        await using var alicePhone = await alice.OnlineAsync();
        await using var aliceLaptop = await alice.OnlineAsync();
        await using var bobSocket = await bob.OnlineAsync();
        await using var carolSocket = await carol.OnlineAsync();
        await using var daveSocket = await dave.OnlineAsync();
        var everyone = new[] { alicePhone, aliceLaptop, bobSocket, carolSocket, daveSocket };

        async Task Expect(string step, params string[][] perSocket)
        {
            for (var i = 0; i < everyone.Length; i++)
            {
                var frames = await everyone[i].DrainAsync();
                Assert.True(perSocket[i].SequenceEqual(frames.Types()), $"{step}, socket {i}: got [{string.Join(", ", frames.Types())}]");
                Assert.All(frames.Where(f => f.Type() != "presence"), f => Assert.True(f.Cursor() > 0));
            }
        }

        var id = await alice.GroupAsync(bob);
        await Expect("create", ["conversation:new", "member:added"], ["conversation:new", "member:added"],
            ["conversation:new", "member:added", "conversation:new", "notification:new"], [], []);

        (await alice.PutAsync($"/api/conversations/{id}", new { name = "Renamed" })).Expect(200);
        await Expect("update", ["conversation:updated"], ["conversation:updated"], ["conversation:updated"], [], []);

        // Membership changes after creation also post a system message (message:new) into the conversation.
        (await alice.PostAsync($"/api/conversations/{id}/members", new { user_id = carol.Id })).Expect(200);
        await Expect("add", ["member:added", "message:new"], ["member:added", "message:new"], ["member:added", "message:new"],
            ["member:added", "conversation:new", "notification:new", "message:new"], []);

        (await alice.PutAsync($"/api/conversations/{id}/members/{bob.Id}/role", new { role = "ADMIN" })).Expect(200);
        await Expect("role", ["member:role", "message:new"], ["member:role", "message:new"], ["member:role", "notification:new", "message:new"],
            ["member:role", "message:new"], []);

        (await alice.DeleteAsync($"/api/conversations/{id}/members/{carol.Id}")).Expect(200);
        await Expect("remove", ["member:removed", "message:new"], ["member:removed", "message:new"], ["member:removed", "message:new"], ["member:removed"], []);

        // Carol is out: the cached membership must have been refreshed.
        (await alice.PutAsync($"/api/conversations/{id}", new { name = "Without Carol" })).Expect(200);
        await Expect("update after remove", ["conversation:updated"], ["conversation:updated"], ["conversation:updated"], [], []);

        (await alice.DeleteAsync($"/api/conversations/{id}")).Expect(200);
        await Expect("delete", ["conversation:deleted"], ["conversation:deleted"], ["conversation:deleted"], [], []);
    }

    [Fact]
    public async Task Event_frames_carry_type_cursor_and_the_payload()
    {
        var (alice, bob) = (await app.UserAsync("alice"), await app.UserAsync("bob"));
        await using var bobSocket = await bob.OnlineAsync();
        var id = await alice.GroupAsync(bob);
        var added = await bobSocket.EventAsync("member:added", id);
        Assert.Equal(bob.Id, added.Data().Str("userId"));
        Assert.Equal(alice.Id, added.Data().Str("addedBy"));
        var notification = await bobSocket.NextAsync("notification:new");
        Assert.Equal(id, notification.Data().Str("conversationId"));
        Assert.True(notification.Cursor() > added.Cursor());
        Assert.Equal(["type", "cursor", "data"], notification.EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public async Task Typing_reaches_the_other_members_only_is_never_stored_and_expires_without_a_refresh()
    {
        var (alice, bob, dave) = (await app.UserAsync("alice"), await app.UserAsync("bob"), await app.UserAsync("dave"));
        var id = await alice.GroupAsync(bob);
        var (_, head) = await SyncAsync(bob, 0);
        await using var alicePhone = await alice.OnlineAsync();
        await using var aliceLaptop = await alice.OnlineAsync();
        await using var bobSocket = await bob.OnlineAsync();
        await using var daveSocket = await dave.OnlineAsync();

        var ack = await alicePhone.RequestAsync("typing:start", new { conversationId = id });
        Assert.True(ack.GetProperty("ok").GetBoolean());
        var typing = (await bobSocket.EventAsync("typing", id)).Data();
        Assert.Equal(alice.Id, typing.Str("userId"));
        Assert.True(typing.GetProperty("isTyping").GetBoolean());
        Assert.DoesNotContain("typing", (await aliceLaptop.DrainAsync()).Types());
        Assert.DoesNotContain("typing", (await daveSocket.DrainAsync()).Types());

        // No refresh within the (test-shortened) timeout: a stop follows by itself.
        var expired = (await bobSocket.EventAsync("typing", id)).Data();
        Assert.False(expired.GetProperty("isTyping").GetBoolean());
        Assert.Equal(alice.Id, expired.Str("userId"));

        await alicePhone.RequestAsync("typing:start", new { conversation_id = id });
        await alicePhone.RequestAsync("typing:stop", new { conversationId = id });
        Assert.True((await bobSocket.EventAsync("typing", id)).Data().GetProperty("isTyping").GetBoolean());
        Assert.False((await bobSocket.EventAsync("typing", id)).Data().GetProperty("isTyping").GetBoolean());

        var outsider = await daveSocket.RequestAsync("typing:start", new { conversationId = id });
        Assert.False(outsider.GetProperty("ok").GetBoolean());
        Assert.Equal(404, outsider.GetProperty("error").GetProperty("status").GetInt32());
        var missing = await daveSocket.RequestAsync("typing:start", new { });
        Assert.Equal("validation_failed", missing.GetProperty("error").Str("code"));
        Assert.DoesNotContain("typing", (await bobSocket.DrainAsync()).Types());

        var (events, _) = await SyncAsync(bob, head);
        Assert.DoesNotContain(events, e => e.Str("type") == "typing");
    }

    [Fact]
    public async Task Oversized_and_malformed_frames_get_error_frames_and_repeated_abuse_closes_1008()
    {
        var alice = await app.UserAsync("alice");
        await using var socket = await alice.OnlineAsync();

        await socket.SendTextAsync("{\"type\":\"ping\",\"data\":\"" + new string('x', 70 * 1024) + "\"}");
        var tooLarge = await socket.NextAsync("error");
        Assert.Equal("frame_too_large", tooLarge.Data().Str("code"));
        await socket.SendTextAsync("{not json");
        Assert.Equal("invalid_json", (await socket.NextAsync("error")).Data().Str("code"));
        await socket.SendTextAsync("[1,2]");
        Assert.Equal("invalid_frame", (await socket.NextAsync("error")).Data().Str("code"));

        // Still open and answering after three bad frames.
        Assert.True((await socket.RequestAsync("ping")).GetProperty("ok").GetBoolean());
        await socket.SendTextAsync("nope");
        await socket.SendTextAsync("{\"id\":1}");
        Assert.Equal(WebSocketCloseStatus.PolicyViolation, await socket.ClosedAsync());
    }

    [Fact]
    public async Task Unknown_request_types_are_refused_and_the_socket_stays_open()
    {
        var alice = await app.UserAsync("alice");
        await using var socket = await alice.OnlineAsync();
        var ack = await socket.RequestAsync("teleport", new { });
        Assert.False(ack.GetProperty("ok").GetBoolean());
        var error = ack.GetProperty("error");
        Assert.Equal("unknown_request", error.Str("code"));
        Assert.Equal(400, error.GetProperty("status").GetInt32());
        Assert.Contains("ping", error.GetProperty("details").GetProperty("type").EnumerateArray().Select(t => t.GetString()));
        Assert.True((await socket.RequestAsync("ping")).GetProperty("ok").GetBoolean());
        Assert.Equal(WebSocketState.Open, socket.State);
    }

    [Fact]
    public async Task Conversation_create_over_the_socket_acks_the_conversation_and_tells_the_members()
    {
        var (alice, bob) = (await app.UserAsync("alice"), await app.UserAsync("bob"));
        await using var aliceSocket = await alice.OnlineAsync();
        await using var bobSocket = await bob.OnlineAsync();

        var ack = await aliceSocket.RequestAsync("conversation:create", new { type = "private", participant_id = bob.Id });
        Assert.True(ack.GetProperty("ok").GetBoolean(), ack.ToString());
        var conversation = ack.Data();
        Assert.Equal("direct", conversation.Str("type"));
        Assert.Equal(2, conversation.GetProperty("members").GetArrayLength());
        await bobSocket.EventAsync("conversation:new", conversation.Str("id"));

        var again = await aliceSocket.RequestAsync("conversation:create", new { type = "private", participantId = bob.Id });
        Assert.Equal(conversation.Str("id"), again.Data().Str("id"));

        var invalid = await aliceSocket.RequestAsync("conversation:create", new { type = "group", participantIds = new[] { bob.Id } });
        Assert.False(invalid.GetProperty("ok").GetBoolean());
        Assert.Equal("validation_failed", invalid.GetProperty("error").Str("code"));
        Assert.True(invalid.GetProperty("error").GetProperty("details").TryGetProperty("name", out _));
        var wrongType = await aliceSocket.RequestAsync("conversation:create", new { participantIds = "not a list" });
        Assert.Equal(400, wrongType.GetProperty("error").GetProperty("status").GetInt32());
    }

    /// <summary>Alice's socket sees bob rename the group, then drops; returns the last cursor it saw.</summary>
    private static async Task<long> SeenThenDroppedAsync(TestUser alice, TestUser bob, string id)
    {
        var first = await alice.OnlineAsync();
        (await bob.PutAsync($"/api/conversations/{id}", new { name = "Seen" })).Expect(200);
        var seen = (await first.EventAsync("conversation:updated", id)).Cursor();
        first.Abort();
        await first.DisposeAsync();
        return seen;
    }

    [Fact]
    public async Task Resume_right_after_connecting_does_not_repeat_what_the_socket_already_got_live()
    {
        var (alice, bob) = (await app.UserAsync("alice"), await app.UserAsync("bob"));
        var id = await bob.GroupAsync(alice);
        var seen = await SeenThenDroppedAsync(alice, bob, id);
        (await bob.PutAsync($"/api/conversations/{id}", new { name = "Missed" })).Expect(200);

        // The new socket gets an event live before the client gets round to resuming.
        await using var second = await alice.OnlineAsync();
        (await bob.PutAsync($"/api/conversations/{id}", new { name = "Live before resume" })).Expect(200);
        var live = await second.NextAsync(f => f.Type() == "conversation:updated" && f.Data().GetProperty("conversation").Str("name") == "Live before resume");

        var (ack, replayed) = await second.ExchangeAsync("resume", new { since = seen });
        Assert.True(ack.GetProperty("ok").GetBoolean(), ack.ToString());
        var names = replayed.Where(f => f.Type() == "conversation:updated").Select(f => f.Data().GetProperty("conversation").Str("name")).ToList();
        Assert.Equal(["Missed"], names);
        Assert.DoesNotContain(replayed, f => f.Cursor() == live.Cursor());
        Assert.True(replayed.Where(f => f.Type() == "conversation:updated").Single().Cursor() < live.Cursor());
    }

    [Fact]
    public async Task Live_events_from_concurrent_senders_arrive_once_and_on_sqlite_in_cursor_order()
    {
        var (alice, bob, carol) = (await app.UserAsync("alice"), await app.UserAsync("bob"), await app.UserAsync("carol"));
        var conversations = new[] { await bob.GroupAsync(alice), await carol.GroupAsync(alice), await bob.GroupAsync(alice, carol) };
        await using var socket = await alice.OnlineAsync();
        const int perSender = 40;
        await Task.WhenAll(new[] { bob, carol, bob, carol }.Select((sender, s) => Task.Run(async () =>
        {
            for (var i = 0; i < perSender; i++)
                (await sender.PostAsync($"/api/conversations/{conversations[(s + i) % 2 == 0 ? s % 2 : 2]}/messages", new { content = $"{s}-{i}" })).Expect(201);
        })));
        var received = new List<JsonElement>();
        while (received.Count < 4 * perSender) received.Add(await socket.NextAsync("message:new"));
        var cursors = received.Select(f => f.Cursor()).ToList();
        Assert.Equal(cursors.Count, cursors.Distinct().Count());
        Assert.Equal(4 * perSender, received.Select(f => f.Data().GetProperty("message").Str("id")).Distinct().Count());
        // On one SQLite node every stored event reaches a socket in cursor order (so each conversation's in seq order),
        // and resuming from the last cursor seen can never skip one committed earlier but published later.
        // PostgreSQL nodes publish after their own commits, concurrently, so only once-each holds there.
        if (ParleyApp.TestDialect == Parley.Server.Data.Dialect.Sqlite) Assert.Equal(cursors.Order(), cursors);
    }

    [Fact]
    public async Task Resume_after_a_drop_delivers_each_missed_event_once_and_in_order()
    {
        var (alice, bob, carol) = (await app.UserAsync("alice"), await app.UserAsync("bob"), await app.UserAsync("carol"));
        var id = await bob.GroupAsync(alice);
        var seen = await SeenThenDroppedAsync(alice, bob, id);

        for (var i = 1; i <= 3; i++) (await bob.PutAsync($"/api/conversations/{id}", new { name = $"Missed {i}" })).Expect(200);
        (await bob.PostAsync($"/api/conversations/{id}/members", new { user_id = carol.Id })).Expect(200);

        await using var second = await alice.OnlineAsync();
        var (ack, replayed) = await second.ExchangeAsync("resume", new { since = seen });
        Assert.True(ack.GetProperty("ok").GetBoolean(), ack.ToString());
        Assert.Equal(["conversation:updated", "conversation:updated", "conversation:updated", "member:added", "message:new"], replayed.Types());
        Assert.Equal(["Missed 1", "Missed 2", "Missed 3"], replayed.Take(3).Select(f => f.Data().GetProperty("conversation").Str("name")));
        var cursors = replayed.Select(f => f.Cursor()).ToList();
        Assert.Equal(cursors.Order().Distinct(), cursors);
        Assert.All(cursors, c => Assert.True(c > seen));
        Assert.Equal(5, ack.Data().GetProperty("count").GetInt32());
        Assert.Equal(cursors[^1], ack.Data().GetProperty("cursor").GetInt64());
        Assert.False(ack.Data().GetProperty("gap").GetBoolean());

        // The same through REST, and nothing more to resume.
        var (synced, cursor) = await SyncAsync(alice, seen);
        Assert.Equal(cursors, synced.Select(e => e.GetProperty("cursor").GetInt64()));
        Assert.Equal(cursors[^1], cursor);
        var (again, rest) = await second.ExchangeAsync("resume", new { since = cursors[^1] });
        Assert.Equal(0, again.Data().GetProperty("count").GetInt32());
        Assert.Empty(rest.Types());

        // Live delivery goes on, once.
        (await bob.PutAsync($"/api/conversations/{id}", new { name = "Live" })).Expect(200);
        var live = (await second.DrainAsync()).Where(f => f.Type() != "presence").ToList();
        Assert.Single(live);
        Assert.True(live[0].Cursor() > cursors[^1]);
    }

    [Fact]
    public async Task Sync_returns_my_events_in_pages_and_refuses_junk()
    {
        var (alice, bob, carol) = (await app.UserAsync("alice"), await app.UserAsync("bob"), await app.UserAsync("carol"));
        var (_, start) = await SyncAsync(alice, 0);
        var id = await alice.GroupAsync(bob);
        var other = await bob.GroupAsync(carol);
        for (var i = 0; i < 3; i++) (await alice.PutAsync($"/api/conversations/{id}", new { name = $"N{i}" })).Expect(200);

        var page = (await alice.GetAsync($"/api/sync?since={start}&limit=2")).Expect(200);
        Assert.Equal(2, page.GetProperty("events").GetArrayLength());
        Assert.True(page.GetProperty("hasMore").GetBoolean());
        var all = new List<JsonElement>(page.GetProperty("events").EnumerateArray());
        var cursor = page.GetProperty("cursor").GetInt64();
        while (true)
        {
            var next = (await alice.GetAsync($"/api/sync?since={cursor}&limit=2")).Expect(200);
            all.AddRange(next.GetProperty("events").EnumerateArray());
            cursor = next.GetProperty("cursor").GetInt64();
            if (!next.GetProperty("hasMore").GetBoolean()) break;
        }
        Assert.Equal(["conversation:new", "member:added", "conversation:updated", "conversation:updated", "conversation:updated"],
            all.Select(e => e.Str("type")));
        Assert.All(all, e => Assert.Equal(id, e.GetProperty("data").Str("conversationId")));
        Assert.DoesNotContain(all, e => e.GetProperty("data").Str("conversationId") == other);

        (await alice.GetAsync("/api/sync?since=abc")).ExpectError(400, "validation_failed");
        (await alice.GetAsync("/api/sync?since=-1")).ExpectError(400, "validation_failed");
        (await alice.GetAsync("/api/sync?limit=0")).ExpectError(400, "validation_failed");
        (await ApiResponse.ReadAsync(await app.Http().GetAsync("/api/sync"))).ExpectError(401);
    }

    [Fact]
    public async Task Connect_tells_members_where_the_socket_is_and_whether_they_have_one()
    {
        var (alice, bob, dave) = (await app.UserAsync("alice"), await app.UserAsync("bob"), await app.UserAsync("dave"));
        var id = await alice.GroupAsync(bob);

        var before = (await alice.PostAsync($"/api/conversations/{id}/connect")).Expect(200);
        Assert.Equal(id, before.Str("conversationId"));
        Assert.Equal($"ws://{app.BaseAddress.Authority}/ws", before.Str("url"));
        Assert.False(before.GetProperty("connected").GetBoolean());
        Assert.Equal("not connected", before.Str("status"));

        await using (var socket = await alice.OnlineAsync())
        {
            var during = (await alice.PostAsync($"/api/conversations/{id}/connect")).Expect(200);
            Assert.True(during.GetProperty("connected").GetBoolean());
            Assert.Equal("WebSocket connected", during.Str("status"));
        }
        (await dave.PostAsync($"/api/conversations/{id}/connect")).ExpectError(404, "not_found");
        (await alice.PostAsync("/api/conversations/nope/connect")).ExpectError(400, "validation_failed");
    }

    [Fact]
    public async Task Stopping_the_server_closes_sockets_with_1001()
    {
        var server = new ParleyApp();
        await server.InitializeAsync();
        var alice = await server.UserAsync("alice");
        var socket = await alice.OnlineAsync();
        var stopping = server.DisposeAsync().AsTask();
        Assert.Equal(WebSocketCloseStatus.EndpointUnavailable, await socket.ClosedAsync());
        await stopping;
        await socket.DisposeAsync();
    }

    private static async Task<(List<JsonElement> Events, long Cursor)> SyncAsync(TestUser user, long since)
    {
        var page = (await user.GetAsync($"/api/sync?since={since}&limit=1000")).Expect(200);
        Assert.False(page.GetProperty("gap").GetBoolean());
        return ([.. page.GetProperty("events").EnumerateArray()], page.GetProperty("cursor").GetInt64());
    }
}

public sealed class SlowConsumerApp : ParleyApp
{
    protected override IEnumerable<KeyValuePair<string, string>> Settings =>
    [
        new("Gateway:SendQueueSize", "256"),
        new("Gateway:CloseTimeout", "00:00:30"),
        new("Gateway:KeepAliveTimeout", "00:05:00"),
    ];
}

public sealed class SlowConsumerTests(SlowConsumerApp app) : IClassFixture<SlowConsumerApp>
{
    [Fact]
    public async Task A_client_that_never_reads_is_closed_with_1013_while_the_others_keep_receiving()
    {
        var (alice, bob, carol) = (await app.UserAsync("alice"), await app.UserAsync("bob"), await app.UserAsync("carol"));
        var id = await alice.GroupAsync(bob, carol);
        var slow = await WsClient.ConnectAsync(bob, read: false, receiveBufferBytes: 2048);
        await using var healthy = await carol.OnlineAsync();
        await using var flooder = await alice.OnlineAsync();

        // Typing events cost no database work, so they flood fast; small batches keep the healthy reader's queue far from full.
        var sent = 0;
        for (var batch = 0; batch < 20_000; batch++)
        {
            var acks = Enumerable.Range(0, 8).Select(_ => flooder.RequestAsync("typing:start", new { conversationId = id })).ToList();
            foreach (var ack in acks) Assert.True((await ack).GetProperty("ok").GetBoolean());
            sent += acks.Count;
            if (batch % 25 == 24 && !(await bob.PostAsync($"/api/conversations/{id}/connect")).Expect(200).GetProperty("connected").GetBoolean()) break;
        }
        Assert.False((await bob.PostAsync($"/api/conversations/{id}/connect")).Expect(200).GetProperty("connected").GetBoolean());

        var received = (await healthy.DrainAsync()).Count(f => f.Type() == "typing" && f.Data().Str("userId") == alice.Id);
        Assert.Equal(sent, received);

        Assert.Equal((WebSocketCloseStatus)1013, await slow.ClosedAsync(TimeSpan.FromSeconds(60)));
        Assert.Contains("Send queue full", slow.CloseDescription);
        await slow.DisposeAsync();
    }
}

public sealed class RetentionApp : ParleyApp
{
    protected override IEnumerable<KeyValuePair<string, string>> Settings =>
    [
        new("Gateway:EventRetention", "00:00:02"),
        new("Gateway:PruneInterval", "00:00:00.500"),
    ];
}

public sealed class EventRetentionTests(RetentionApp app) : IClassFixture<RetentionApp>
{
    [Fact]
    public async Task A_cursor_older_than_the_retained_events_gets_a_gap_answer_instead_of_a_partial_list()
    {
        var (alice, bob) = (await app.UserAsync("alice"), await app.UserAsync("bob"));
        var id = await alice.GroupAsync(bob);
        var early = (await alice.GetAsync("/api/sync?since=0")).Expect(200);
        Assert.False(early.GetProperty("gap").GetBoolean());
        Assert.True(early.GetProperty("events").GetArrayLength() >= 2);

        // Wait until those events have expired (and been pruned).
        JsonElement gap;
        var deadline = DateTime.UtcNow.AddSeconds(30);
        do
        {
            await Task.Delay(250);
            gap = (await alice.GetAsync("/api/sync?since=0")).Expect(200);
        } while (!gap.GetProperty("gap").GetBoolean() && DateTime.UtcNow < deadline);
        Assert.True(gap.GetProperty("gap").GetBoolean());
        Assert.Equal(0, gap.GetProperty("events").GetArrayLength());
        Assert.False(gap.GetProperty("hasMore").GetBoolean());
        Assert.Contains("refetch", gap.Str("message"));
        var head = gap.GetProperty("cursor").GetInt64();
        Assert.True(head >= early.GetProperty("cursor").GetInt64());

        // Even with every old event pruned, a new socket learns the current cursor, not 0.
        await using var socket = await WsClient.ConnectAsync(alice);
        Assert.True((await socket.NextAsync("ready")).Data().GetProperty("cursor").GetInt64() >= head);
        var (ack, replayed) = await socket.ExchangeAsync("resume", new { since = 0 });
        Assert.True(ack.Data().GetProperty("gap").GetBoolean());
        Assert.Equal(0, ack.Data().GetProperty("count").GetInt32());
        Assert.Empty(replayed.Types());

        // From the head cursor the client continues normally.
        (await alice.PutAsync($"/api/conversations/{id}", new { name = "After the gap" })).Expect(200);
        var after = (await alice.GetAsync($"/api/sync?since={head}")).Expect(200);
        Assert.False(after.GetProperty("gap").GetBoolean());
        Assert.Equal("conversation:updated", Assert.Single(after.GetProperty("events").EnumerateArray()).Str("type"));
    }
}

public sealed class HeartbeatApp : ParleyApp
{
    protected override IEnumerable<KeyValuePair<string, string>> Settings =>
    [
        new("Gateway:KeepAliveInterval", "00:00:00.200"),
        new("Gateway:KeepAliveTimeout", "00:00:00.500"),
    ];
}

public sealed class HeartbeatTests(HeartbeatApp app) : IClassFixture<HeartbeatApp>
{
    [Fact]
    public async Task A_socket_that_answers_no_ping_is_dropped_and_a_live_one_stays()
    {
        var (alice, bob) = (await app.UserAsync("alice"), await app.UserAsync("bob"));
        var id = await alice.GroupAsync(bob);
        await using var live = await alice.OnlineAsync();
        // A client that never reads never answers the server's pings, like a peer that vanished without a FIN.
        await using var dead = await WsClient.ConnectAsync(bob, read: false);

        var deadline = DateTime.UtcNow.AddSeconds(20);
        bool connected;
        do
        {
            await Task.Delay(200);
            connected = (await bob.PostAsync($"/api/conversations/{id}/connect")).Expect(200).GetProperty("connected").GetBoolean();
        } while (connected && DateTime.UtcNow < deadline);
        Assert.False(connected);
        await Task.Delay(1000);
        Assert.True((await alice.PostAsync($"/api/conversations/{id}/connect")).Expect(200).GetProperty("connected").GetBoolean());
        Assert.True((await live.RequestAsync("ping")).GetProperty("ok").GetBoolean());
    }
}
