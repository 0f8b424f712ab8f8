using System.Text.Json;
using Parley.Tests.Support;

namespace Parley.Tests;

/// <summary>Blocking: no direct messages either way (one answer whoever blocked whom), and nothing a blocked member does in a group reaches the blocker.</summary>
public sealed class BlockTests(ParleyApp app) : IClassFixture<ParleyApp>
{
    private const string CannotMessage = "You cannot message this user";

    private static void ExpectCannotMessage(ApiResponse response)
    {
        response.ExpectError(403, "blocked");
        Assert.Equal(CannotMessage, response.Error.Str("message"));
    }

    [Fact]
    public async Task A_block_closes_direct_messages_both_ways_with_the_same_answer_until_lifted()
    {
        var (ann, bob) = (await app.UserAsync("ann"), await app.UserAsync("bob"));
        var direct = await ann.DirectWithAsync(bob);
        await ann.SendAsync(direct, "before the block");

        var blocked = (await ann.PutAsync($"/api/users/{bob.Id}/block")).Expect(200);
        Assert.Equal(bob.Id, blocked.Str("id"));
        (await ann.PutAsync($"/api/users/{bob.Id}/block")).Expect(200);
        Assert.Equal([bob.Id], (await ann.GetAsync("/api/users/blocked")).Expect(200).Ids());
        Assert.Empty((await bob.GetAsync("/api/users/blocked")).Expect(200).EnumerateArray());

        ExpectCannotMessage(await bob.PostAsync($"/api/conversations/{direct}/messages", new { content = "hey" }));
        ExpectCannotMessage(await ann.PostAsync($"/api/conversations/{direct}/messages", new { content = "hey" }));
        await using var bobSocket = await bob.OnlineAsync();
        var ack = await bobSocket.RequestAsync("message:send", new { conversationId = direct, content = "over the socket" });
        Assert.Equal("blocked", ack.GetProperty("error").Str("code"));
        Assert.Equal(CannotMessage, ack.GetProperty("error").Str("message"));
        await using (var io = await SocketIoClient.ConnectAsync(app.BaseAddress, new { auth = new { token = bob.Token }, transports = new[] { "websocket" } }))
        {
            await io.EventAsync("ready");
            var ioAck = await io.EmitAsync("message:send", new { conversationId = direct, content = "over socket.io" });
            Assert.Equal(CannotMessage, ioAck.GetProperty("error").Str("message"));
        }

        // Nobody starts a new direct conversation across the block either (receiverId too), in either direction.
        var (cat, dan) = (await app.UserAsync("cat"), await app.UserAsync("dan"));
        (await cat.PutAsync($"/api/users/{dan.Id}/block")).Expect(200);
        ExpectCannotMessage(await dan.PostAsync("/api/conversations", new { type = "direct", participantId = cat.Id }));
        ExpectCannotMessage(await cat.PostAsync("/api/conversations", new { type = "direct", participantId = dan.Id }));
        ExpectCannotMessage(await dan.PostAsync("/api/messages", new { receiverId = cat.Id, content = "hi" }));

        (await ann.DeleteAsync($"/api/users/{bob.Id}/block")).Expect(200);
        (await ann.DeleteAsync($"/api/users/{bob.Id}/block")).Expect(200);
        await bob.SendAsync(direct, "after the block");
        Assert.Empty((await ann.GetAsync("/api/users/blocked")).Expect(200).EnumerateArray());
    }

    [Fact]
    public async Task Bad_blocks_are_4xx()
    {
        var ann = await app.UserAsync("ann");
        (await ann.PutAsync($"/api/users/{ann.Id}/block")).ExpectError(400);
        (await ann.PutAsync($"/api/users/{Guid.NewGuid()}/block")).ExpectError(404);
        (await ann.PutAsync("/api/users/not-an-id/block")).ExpectError(400);
        (await ann.DeleteAsync($"/api/users/{Guid.NewGuid()}/block")).ExpectError(404);
    }

    [Fact]
    public async Task In_a_group_nothing_the_blocked_member_does_reaches_the_blocker_by_any_path()
    {
        var (ann, bob, cat) = (await app.UserAsync("ann"), await app.UserAsync("bob"), await app.UserAsync("cat"));
        var group = await cat.GroupAsync("group", ann, bob);
        var early = await bob.SendAsync(group, "said before the block zebrafish");
        await using var annSocket = await WsClient.ConnectAsync(ann);
        var since = (await annSocket.NextAsync("ready")).Data().GetProperty("cursor").GetInt64();
        await using var annIo = await SocketIoClient.ConnectAsync(app.BaseAddress, new { auth = new { token = ann.Token }, transports = new[] { "websocket" } });
        await annIo.EventAsync("ready");
        (await ann.PutAsync($"/api/users/{bob.Id}/block")).Expect(200);
        await using var bobSocket = await bob.OnlineAsync();

        var root = await cat.SendAsync(group, "root by cat");
        (await bob.PutAsync($"/api/conversations/{group}/messages/{root.Str("id")}/reactions/%F0%9F%91%8D")).Expect(200);
        await bob.SendAsync(group, $"hello @{ann.Username} zebrafish");
        (await bob.PostAsync($"/api/conversations/{group}/messages", new { content = "thread zebrafish", threadId = root.Str("id") })).Expect(201);
        Assert.True((await bobSocket.RequestAsync("typing:start", new { conversationId = group })).GetProperty("ok").GetBoolean());
        await cat.SendAsync(group, $"last by cat @{ann.Username}");

        // Live: the gateway and Socket.IO.
        var frames = await annSocket.UntilAsync(f => f.Type() == "message:new" && f.Data().GetProperty("message").Str("content").StartsWith("last by cat"));
        AssertNothingFrom(bob.Id, frames.Select(f => (f.Type(), f.Data())));
        await annIo.EventAsync("message:new", a => a[0].GetProperty("message").Str("content").StartsWith("last by cat"));
        AssertNothingFrom(bob.Id, annIo.Pending().Where(r => r.Str("type") == "event").Select(r => (r.Str("name"), r.GetProperty("args")[0])));

        // Resume and sync.
        await using var annLater = await ann.OnlineAsync();
        var (ack, replayed) = await annLater.ExchangeAsync("resume", new { since });
        Assert.True(ack.GetProperty("ok").GetBoolean());
        Assert.Contains(replayed, f => f.Type() == "message:new");
        AssertNothingFrom(bob.Id, replayed.Select(f => (f.Type(), f.Data())));
        var sync = (await ann.GetAsync($"/api/sync?since={since}")).Expect(200).GetProperty("events").EnumerateArray().ToList();
        Assert.Contains(sync, e => e.Str("type") == "message:new");
        AssertNothingFrom(bob.Id, sync.Select(e => (e.Str("type"), e.GetProperty("data"))));

        // History (before the block too), single message, thread, reactions.
        var history = await ann.HistoryAsync(group);
        Assert.DoesNotContain(history, m => m.Str("senderId") == bob.Id);
        Assert.Contains(await cat.HistoryAsync(group), m => m.Str("senderId") == bob.Id);
        Assert.Empty(history.Single(m => m.Str("id") == root.Str("id")).GetProperty("reactions").EnumerateArray());
        (await ann.GetAsync($"/api/conversations/{group}/messages/{early.Str("id")}")).ExpectError(404);
        var thread = (await ann.GetAsync($"/api/conversations/{group}/threads/{root.Str("id")}/messages")).Expect(200);
        Assert.Empty(thread.GetProperty("messages").EnumerateArray());

        // Search, unread counts, notifications.
        var hits = (await ann.GetAsync("/api/search/messages?q=zebrafish")).Expect(200).GetProperty("hits");
        Assert.Empty(hits.EnumerateArray());
        Assert.NotEmpty((await cat.GetAsync("/api/search/messages?q=zebrafish")).Expect(200).GetProperty("hits").EnumerateArray());
        Assert.Equal(2, await ann.UnreadAsync(group));
        Assert.Equal(2, (await ann.GetAsync($"/api/conversations/{group}")).Expect(200).GetProperty("unreadCount").GetInt64());
        var listed = (await ann.GetAsync("/api/conversations")).Expect(200).EnumerateArray().Single(c => c.Str("id") == group);
        Assert.Equal(2, listed.GetProperty("unreadCount").GetInt64());
        var notifications = (await ann.GetAsync("/api/notifications")).Expect(200).GetProperty("notifications").EnumerateArray().ToList();
        Assert.Single(notifications, n => n.Str("type") == "message.mention");
        Assert.DoesNotContain(notifications, n => n.GetRawText().Contains(bob.Id));

        // Both stay members; unblocking shows everything again.
        (await ann.DeleteAsync($"/api/users/{bob.Id}/block")).Expect(200);
        Assert.Contains(await ann.HistoryAsync(group), m => m.Str("senderId") == bob.Id);
        await bob.SendAsync(group, "visible again");
        await annSocket.NextAsync(f => f.Type() == "message:new" && f.Data().GetProperty("message").Str("content") == "visible again");
    }

    private static void AssertNothingFrom(string userId, IEnumerable<(string Type, JsonElement Data)> events)
    {
        foreach (var (type, data) in events)
        {
            if (type is "message:new" or "message:updated") Assert.NotEqual(userId, data.GetProperty("message").Str("senderId"));
            if (type is "typing" or "reaction:added" or "reaction:removed" or "presence") Assert.NotEqual(userId, data.Str("userId"));
            if (type == "notification:new") Assert.DoesNotContain(userId, data.GetRawText());
        }
    }
}
