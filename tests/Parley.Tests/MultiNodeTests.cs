using System.Collections.Concurrent;
using System.Text.Json;
using Parley.Tests.Support;

namespace Parley.Tests;

/// <summary>
/// Issue #5: a deployment of two real server processes on one PostgreSQL database and one Redis, with no sticky
/// sessions: what happens on one node reaches users on the other, a node can die mid-stream without losing or
/// doubling an acknowledged message, its users carry on on the other node, and nginx with deploy/nginx.conf spreads
/// requests and sockets over both. Runs against PostgreSQL and Redis in both runs of scripts/test.sh.
/// </summary>
public sealed class MultiNodeTests(TwoNodes nodes) : IClassFixture<TwoNodes>
{
    [Fact]
    public async Task Messages_sent_over_rest_and_the_gateway_on_one_node_reach_both_nodes_once_each_and_in_order()
    {
        await nodes.RunningAsync();
        var (alice, dave) = (await TwoNodes.UserAsync(nodes.A, "alice"), await TwoNodes.UserAsync(nodes.A, "dave"));
        var (bob, carol) = (await TwoNodes.UserAsync(nodes.B, "bob"), await TwoNodes.UserAsync(nodes.B, "carol"));
        var id = await alice.GroupAsync(bob, carol, dave);
        await using var bobOnB = await bob.OnlineAsync();
        await using var daveOnA = await dave.OnlineAsync();
        await using var aliceOnA = await alice.OnlineAsync();
        await using var carolOnB = await carol.OnlineAsync();
        var start = (await AllMessagesAsync(bob, id)).Count;

        // Alice sends 200 on node A, one after another, by turns over REST and over the gateway; meanwhile carol
        // sends 50 over the gateway on node B into the same conversation.
        const int FromAlice = 200, FromCarol = 50;
        var fromCarol = Task.Run(async () =>
        {
            for (var i = 0; i < FromCarol; i++) await SendAsync(carol, carolOnB, id, $"carol-{i}");
        });
        var aliceSeqs = new List<long>();
        for (var i = 0; i < FromAlice; i++) aliceSeqs.Add(await SendAsync(alice, i % 2 == 0 ? null : aliceOnA, id, $"alice-{i}"));
        await fromCarol;
        AssertIncreasing(aliceSeqs);

        // Stored once each, with a gap-free seq.
        var stored = await AllMessagesAsync(bob, id);
        Assert.Equal(Enumerable.Range(1, stored.Count).Select(n => (long)n), stored.Select(m => m.Seq()));
        var sent = stored.Skip(start).ToList();
        Assert.Equal(FromAlice + FromCarol, sent.Count);
        Assert.Equal(aliceSeqs, sent.Where(m => m.Str("senderId") == alice.Id).Select(m => m.Seq()));
        Assert.Equal(Enumerable.Range(0, FromAlice).Select(i => $"alice-{i}"), ClientIds(sent, "alice-"));
        Assert.Equal(Enumerable.Range(0, FromCarol).Select(i => $"carol-{i}"), ClientIds(sent, "carol-"));

        // A user on node B and one on node A each get every message once, each sender's in the order they were sent.
        foreach (var (who, socket) in new[] { ("bob on B", bobOnB), ("dave on A", daveOnA) })
        {
            var got = new List<JsonElement>();
            while (got.Count < sent.Count) got.Add(Message(await socket.NextAsync(f => f.Is("message:new", id), Wait)));
            Assert.DoesNotContain(await socket.DrainAsync(), f => f.Is("message:new", id));
            Assert.Equal(sent.Select(m => m.Str("id")).Order(), got.Select(m => m.Str("id")).Order());
            Assert.True(ClientIds(sent, "alice-").SequenceEqual(ClientIds(got, "alice-")), $"{who} got {string.Join(",", got.Select(m => m.Seq()))}");
            Assert.True(ClientIds(sent, "carol-").SequenceEqual(ClientIds(got, "carol-")), $"{who} got {string.Join(",", got.Select(m => m.Seq()))}");
        }
    }

    private static IEnumerable<string> ClientIds(IEnumerable<JsonElement> messages, string prefix) =>
        messages.Select(m => m.Str("clientMessageId")).Where(c => c.StartsWith(prefix, StringComparison.Ordinal));

    [Fact]
    public async Task Reads_edits_deletes_and_typing_made_on_one_node_reach_the_other()
    {
        await nodes.RunningAsync();
        var (alice, bob) = (await TwoNodes.UserAsync(nodes.A, "alice"), await TwoNodes.UserAsync(nodes.B, "bob"));
        var id = await alice.GroupAsync(bob);
        await using var bobOnB = await bob.OnlineAsync();
        await using var aliceOnA = await alice.OnlineAsync();

        // Typing, both ways.
        Assert.True((await aliceOnA.RequestAsync("typing:start", new { conversationId = id })).GetProperty("ok").GetBoolean());
        var typing = (await bobOnB.EventAsync("typing", id)).Data();
        Assert.Equal((alice.Id, true), (typing.Str("userId"), typing.GetProperty("isTyping").GetBoolean()));
        Assert.True((await aliceOnA.RequestAsync("typing:stop", new { conversationId = id })).GetProperty("ok").GetBoolean());
        Assert.False((await bobOnB.EventAsync("typing", id)).Data().GetProperty("isTyping").GetBoolean());
        Assert.True((await bobOnB.RequestAsync("typing:start", new { conversationId = id })).GetProperty("ok").GetBoolean());
        Assert.Equal(bob.Id, (await aliceOnA.EventAsync("typing", id)).Data().Str("userId"));

        // A message from A; bob reads it on B; alice sees the read on A, live and in the message.
        var sent = await alice.SendAsync(id, "across the nodes");
        Assert.Equal(sent.Str("id"), Message(await bobOnB.EventAsync("message:new", id)).Str("id"));
        var read = await bobOnB.RequestAsync("message:read", new { conversationId = id, messageId = sent.Str("id") });
        Assert.True(read.GetProperty("ok").GetBoolean(), read.ToString());
        var readEvent = (await aliceOnA.EventAsync("message:read", id)).Data();
        Assert.Equal((bob.Id, sent.Seq()), (readEvent.Str("userId"), readEvent.GetProperty("lastReadSeq").GetInt64()));
        var seen = (await alice.GetAsync($"/api/conversations/{id}/messages/{sent.Str("id")}")).Expect(200);
        Assert.True(seen.GetProperty("read").GetBoolean(), seen.ToString());

        // Edited over REST on A, deleted over the gateway on A: bob sees both on B.
        (await alice.PutAsync($"/api/conversations/{id}/messages/{sent.Str("id")}", new { content = "across the nodes, edited" })).Expect(200);
        var updated = Message(await bobOnB.EventAsync("message:updated", id));
        Assert.Equal(("across the nodes, edited", true), (updated.Str("content"), updated.GetProperty("edited").GetBoolean()));
        var deleted = await aliceOnA.RequestAsync("message:delete", new { conversationId = id, messageId = sent.Str("id") });
        Assert.True(deleted.GetProperty("ok").GetBoolean(), deleted.ToString());
        Assert.Equal(sent.Str("id"), (await bobOnB.EventAsync("message:deleted", id)).Data().Str("messageId"));
        var history = await AllMessagesAsync(bob.On(nodes.A), id);
        Assert.True(history.Single(m => m.Str("id") == sent.Str("id")).GetProperty("deleted").GetBoolean());
    }

    [Fact]
    public async Task Presence_follows_a_user_across_nodes()
    {
        await nodes.RunningAsync();
        var (alice, bob) = (await TwoNodes.UserAsync(nodes.A, "alice"), await TwoNodes.UserAsync(nodes.B, "bob"));
        await alice.DirectWithAsync(bob);
        await using var bobOnB = await bob.OnlineAsync();
        var onB = bob;
        var onA = bob.On(nodes.A);

        // Online on A: seen live on B, and asked on either node.
        await using var aliceOnA = await alice.OnlineAsync();
        Assert.Equal("online", (await bobOnB.EventAsync("presence", alice.Id, "userId")).Data().Str("status"));
        await AssertStatusAsync(alice, "online", true, onA, onB);

        // A second device on B, then the one on A closes: alice is still online, and nobody is told otherwise.
        await using var aliceOnB = await alice.On(nodes.B).OnlineAsync();
        await aliceOnA.CloseAsync();
        await Task.Delay(TimeSpan.FromSeconds(2)); // four offline grace periods
        Assert.DoesNotContain(await bobOnB.DrainAsync(), f => f.Type() == "presence" && f.Data().Str("userId") == alice.Id);
        await AssertStatusAsync(alice, "online", true, onA, onB);

        // Her last socket closes: offline everywhere.
        await aliceOnB.CloseAsync();
        Assert.Equal("offline", (await bobOnB.EventAsync("presence", alice.Id, "userId")).Data().Str("status"));
        await AssertStatusAsync(alice, "offline", false, onA, onB);

        // A status set on A shows on B, live and asked.
        (await alice.PutAsync("/api/status", new { status = "away" })).Expect(200);
        Assert.Equal("away", (await bobOnB.EventAsync("presence", alice.Id, "userId")).Data().Str("status"));
        await AssertStatusAsync(alice, "away", false, onA, onB);
    }

    private async Task AssertStatusAsync(TestUser user, string status, bool online, params TestUser[] askers)
    {
        foreach (var asker in askers)
        {
            var seen = (await asker.GetAsync($"/api/status/{user.Id}")).Expect(200);
            Assert.True(seen.Str("status") == status && seen.GetProperty("online").GetBoolean() == online,
                $"asked on node {(asker.App == nodes.A ? "A" : "B")}: expected {status} (online: {online}), got {seen}");
        }
    }

    [Fact]
    public async Task A_node_killed_mid_stream_loses_no_acknowledged_message_and_its_users_resume_on_the_other_node()
    {
        await nodes.RunningAsync();
        var (a, b) = (nodes.A, nodes.B);
        var alice = await TwoNodes.UserAsync(a, "alice");
        var (bob, dave) = (await TwoNodes.UserAsync(a, "bob"), await TwoNodes.UserAsync(a, "dave"));
        var carol = await TwoNodes.UserAsync(b, "carol");
        var id = await alice.GroupAsync(bob, carol, dave);
        var bobOnA = await bob.OnlineAsync();
        var daveOnA = await dave.OnlineAsync();
        await using var carolOnB = await carol.OnlineAsync();
        var start = (await AllMessagesAsync(carol, id)).Count;

        // Alice sends one message after another on node A, by turns over REST and over the gateway, each with a
        // clientMessageId. When node A dies under her she moves to node B, once the users who were on A are back, and
        // sends the message she was on again (same clientMessageId); then she carries on.
        const int Total = 240, DropDaveAt = 30, KillAt = 90;
        var acked = new ConcurrentDictionary<string, long>();
        var retried = new ConcurrentQueue<string>();
        var (daveDrops, killNow) = (Signal(), Signal());
        var (killing, resumed) = (Signal(), Signal());
        async Task<List<long>> SendAllAsync()
        {
            var (me, seqs) = (alice, new List<long>());
            var socket = await me.OnlineAsync();
            try
            {
                for (var i = 0; i < Total; i++)
                {
                    var clientMessageId = $"alice-{i}";
                    while (true)
                    {
                        try
                        {
                            seqs.Add(acked[clientMessageId] = await SendAsync(me, i % 2 == 0 ? null : socket, id, clientMessageId));
                            if (acked.Count >= DropDaveAt) daveDrops.TrySetResult();
                            if (acked.Count >= KillAt) killNow.TrySetResult();
                            break;
                        }
                        catch (Exception) when (killing.Task.IsCompleted && me.App == a)
                        {
                            retried.Enqueue(clientMessageId);
                            await socket.DisposeAsync();
                            await resumed.Task.WaitAsync(Wait);
                            me = alice.On(b);
                            socket = await me.OnlineAsync();
                        }
                    }
                }
                return seqs;
            }
            finally
            {
                await socket.DisposeAsync();
            }
        }
        var sender = Task.Run(SendAllAsync);

        // Dave's network drops early; later node A is killed (SIGKILL) while alice is mid-stream.
        await daveDrops.Task.WaitAsync(Wait);
        daveOnA.Abort();
        await killNow.Task.WaitAsync(Wait);
        killing.TrySetResult();
        await a.KillAsync();
        var bobBefore = await AllFramesAsync(bobOnA);
        var daveBefore = await AllFramesAsync(daveOnA);

        // Both come back on node B and resume from the last cursor they saw (dave a page of 10 at a time).
        await using var bobOnB = await bob.On(b).OnlineAsync();
        var bobReplayed = await ResumeAsync(bobOnB, LastCursor(bobBefore), 500);
        await using var daveOnB = await dave.On(b).OnlineAsync();
        var daveReplayed = await ResumeAsync(daveOnB, LastCursor(daveBefore), 10);
        resumed.TrySetResult();
        var seqs = await sender.WaitAsync(TimeSpan.FromSeconds(120));

        // Every message once, with the seq its sender was told, gap-free, in the order she sent them.
        var stored = await AllMessagesAsync(carol, id);
        var last = stored[^1].Seq();
        Assert.Equal(Enumerable.Range(1, stored.Count).Select(n => (long)n), stored.Select(m => m.Seq()));
        var sent = stored.Skip(start).ToList();
        Assert.Equal(Enumerable.Range(0, Total).Select(i => $"alice-{i}"), sent.Select(m => m.Str("clientMessageId")));
        Assert.Equal(seqs, sent.Select(m => m.Seq()));
        Assert.NotEmpty(retried);

        // Bob and dave: what they got on A, then the resume on B, then live on B: every stored event once, in cursor
        // order, and every message of the stream in seq order.
        foreach (var (who, before, replayed, socket) in new[] { ("bob", bobBefore, bobReplayed, bobOnB), ("dave", daveBefore, daveReplayed, daveOnB) })
        {
            var frames = before.Concat(replayed).ToList();
            if (!MessagesIn(frames, id).Any(m => m.Seq() == last))
                frames.AddRange(await socket.UntilAsync(f => f.Is("message:new", id) && Message(f).Seq() == last, Wait));
            frames.AddRange(await socket.DrainAsync());
            var cursors = frames.Select(f => f.Cursor()).Where(c => c > 0).ToList();
            Assert.True(cursors.SequenceEqual(cursors.Distinct().Order()), $"{who}'s cursors: {string.Join(",", cursors)}");
            Assert.True(sent.Select(m => m.Str("id")).SequenceEqual(MessagesIn(frames, id).Select(m => m.Str("id"))),
                $"{who} got seqs {string.Join(",", MessagesIn(frames, id).Select(m => m.Seq()))}{Environment.NewLine}{nodes.Logs}");
        }
        Assert.True(daveReplayed.Count(f => f.Is("message:new", id)) > 10, "dave's resume should have needed more than one page");

        // Carol, on B all along: every message once, in order, except at most the ones node A stored but died before
        // acknowledging or publishing (those reach her only through a resume).
        var carolFrames = await carolOnB.UntilAsync(f => f.Is("message:new", id) && Message(f).Seq() == last, Wait);
        carolFrames.AddRange(await carolOnB.DrainAsync());
        var carolCursors = carolFrames.Select(f => f.Cursor()).Where(c => c > 0).ToList();
        Assert.True(carolCursors.SequenceEqual(carolCursors.Distinct().Order()), $"carol's cursors: {string.Join(",", carolCursors)}");
        var carolGot = MessagesIn(carolFrames, id).Select(m => m.Str("clientMessageId")).ToList();
        Assert.Equal(carolGot, sent.Select(m => m.Str("clientMessageId")).Where(carolGot.Contains));
        Assert.All(sent.Select(m => m.Str("clientMessageId")).Except(carolGot), missed => Assert.Contains(missed, retried));
    }

    [Fact]
    public async Task Behind_nginx_requests_and_sockets_go_round_both_nodes_and_work_wherever_they_land()
    {
        await nodes.RunningAsync();
        await using var nginx = await Nginx.StartAsync(nodes.Both.Select(n => n.Port));
        var (alice, bob) = (await TwoNodes.UserAsync(nginx, "alice"), await TwoNodes.UserAsync(nginx, "bob"));
        var id = await alice.GroupAsync(bob);

        // Consecutive requests alternate between the nodes; the token and the data work on either.
        for (var i = 0; i < 6; i++)
            Assert.Equal(alice.Id, (await alice.GetAsync("/api/users/me")).Expect(200).Str("id"));

        // Sockets through nginx (WebSocket upgrade) land on both nodes; events reach every one of them, once.
        await using var bobFirst = await bob.OnlineAsync();
        await using var bobSecond = await bob.OnlineAsync();
        await using var aliceSocket = await alice.OnlineAsync();
        var overRest = await alice.SendAsync(id, "through nginx, over REST");
        var ack = await aliceSocket.RequestAsync("message:send", new { conversationId = id, content = "through nginx, over the gateway" });
        Assert.True(ack.GetProperty("ok").GetBoolean(), ack.ToString());
        foreach (var socket in new[] { bobFirst, bobSecond, aliceSocket })
        {
            var frames = await socket.UntilAsync(f => f.Is("message:new", id) && Message(f).Str("id") == ack.Data().Str("id"), Wait);
            Assert.Equal([overRest.Str("id"), ack.Data().Str("id")], MessagesIn(frames, id).Select(m => m.Str("id")));
            Assert.DoesNotContain(await socket.DrainAsync(), f => f.Is("message:new", id));
        }
        foreach (var socket in new[] { bobFirst, bobSecond, aliceSocket }) await socket.CloseAsync();

        // nginx's access log says where each went (a WebSocket is logged when it closes).
        var nodeAddresses = nodes.Both.Select(n => $"127.0.0.1:{n.Port}").ToHashSet();
        var logged = await nginx.LoggedAsync();
        for (var tries = 0; logged.Count(r => r.Request.StartsWith("GET /ws")) < 3 && tries < 100; tries++)
        {
            await Task.Delay(100);
            logged = await nginx.LoggedAsync();
        }
        var me = logged.Where(r => r.Request.StartsWith("GET /api/users/me")).Select(r => r.Upstream).ToList();
        Assert.Equal(6, me.Count);
        Assert.Equal(nodeAddresses, me.ToHashSet());
        Assert.All(me.Zip(me.Skip(1)), pair => Assert.NotEqual(pair.First, pair.Second));
        var sockets = logged.Where(r => r.Request.StartsWith("GET /ws")).ToList();
        Assert.Equal(3, sockets.Count);
        Assert.All(sockets, r => Assert.Equal(101, r.Status));
        Assert.Equal(nodeAddresses, sockets.Select(r => r.Upstream).ToHashSet());

        // With a node gone, nginx sends every request to the one left.
        await nodes.B.KillAsync();
        for (var i = 0; i < 4; i++)
            Assert.Equal(alice.Id, (await alice.GetAsync("/api/users/me")).Expect(200).Str("id"));
    }

    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);

    private static TaskCompletionSource Signal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private static JsonElement Message(JsonElement frame) => frame.Data().GetProperty("message");

    private static IEnumerable<JsonElement> MessagesIn(IEnumerable<JsonElement> frames, string conversationId) =>
        frames.Where(f => f.Is("message:new", conversationId)).Select(Message);

    private static void AssertIncreasing(List<long> seqs) => Assert.True(seqs.SequenceEqual(seqs.Distinct().Order()), string.Join(",", seqs));

    /// <summary>A conversation's whole history, oldest first, paged by the after cursor.</summary>
    private static async Task<List<JsonElement>> AllMessagesAsync(TestUser user, string conversationId)
    {
        var all = new List<JsonElement>();
        while (true)
        {
            var page = (await user.GetAsync($"/api/conversations/{conversationId}/messages?after={(all.Count > 0 ? all[^1].Seq() : 0)}&limit=100")).Expect(200);
            all.AddRange(page.GetProperty("messages").EnumerateArray());
            if (!page.GetProperty("hasMore").GetBoolean()) return all;
        }
    }

    /// <summary>Sends one message over the socket when there is one, else over REST; returns its seq once acknowledged.</summary>
    private static async Task<long> SendAsync(TestUser me, WsClient? socket, string conversationId, string clientMessageId)
    {
        var body = new { conversationId, content = $"message {clientMessageId}", clientMessageId };
        if (socket is null)
        {
            var response = await me.PostAsync($"/api/conversations/{conversationId}/messages", body);
            // 201, or 200 when a retry finds the message the dead node stored.
            Assert.True(response.Code is 200 or 201, response.Root.ToString());
            return response.Data.Seq();
        }
        var ack = await socket.RequestAsync("message:send", body);
        Assert.True(ack.GetProperty("ok").GetBoolean(), ack.ToString());
        return ack.Data().Seq();
    }

    /// <summary>Everything a socket received before it went down.</summary>
    private static async Task<List<JsonElement>> AllFramesAsync(WsClient socket)
    {
        await socket.ClosedAsync(Wait);
        var frames = socket.TakeAll();
        await socket.DisposeAsync();
        return frames;
    }

    private static long LastCursor(List<JsonElement> frames) => frames.Select(f => f.Cursor()).DefaultIfEmpty().Max();

    /// <summary>Resumes from <paramref name="since"/> page by page; returns every frame that came before the last page's ack.</summary>
    private static async Task<List<JsonElement>> ResumeAsync(WsClient socket, long since, int limit)
    {
        var frames = new List<JsonElement>();
        while (true)
        {
            var (ack, before) = await socket.ExchangeAsync("resume", new { since, limit });
            Assert.True(ack.GetProperty("ok").GetBoolean() && !ack.Data().GetProperty("gap").GetBoolean(), ack.ToString());
            frames.AddRange(before);
            since = ack.Data().GetProperty("cursor").GetInt64();
            if (!ack.Data().GetProperty("hasMore").GetBoolean()) return frames;
        }
    }
}
