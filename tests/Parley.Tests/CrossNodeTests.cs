using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Parley.Server.Auth;
using Parley.Server.Events;
using Parley.Server.Messages;
using Parley.Server.Presence;
using Parley.Server.Realtime;
using Parley.Tests.Support;
using static Parley.Tests.Support.ClusterNode;

namespace Parley.Tests;

/// <summary>
/// State the nodes of one deployment must agree on: who is online, who is typing, the signing key, which
/// tokens are revoked, the order of the event log and of a conversation's messages. Two in-process nodes on one
/// database; presence, typing and revocation cross nodes through Redis, so without PARLEY_TEST_REDIS those
/// tests assert what a single node does instead.
/// </summary>
public sealed class CrossNodeTests
{
    private static readonly TimeSpan Grace = TimeSpan.FromSeconds(1);

    /// <summary>Short presence and typing timings, so the tests see them run out.</summary>
    private static readonly KeyValuePair<string, string>[] Fast =
    [
        new("Presence:OfflineGrace", "00:00:01"),
        new("Presence:NodeTtl", "00:00:02"),
        new("Gateway:TypingTimeout", "00:00:01"),
    ];

    private static async Task<(ClusterNode A, ClusterNode B)> StartAsync(string? redis, string? signingKey = "",
        params KeyValuePair<string, string>[] extra)
    {
        var (channel, key) = Deployment();
        var a = new ClusterNode(redis, channel, signingKey == "" ? key : signingKey) { Extra = [.. Fast, .. extra] };
        await a.InitializeAsync();
        var b = new ClusterNode(redis, channel, signingKey == "" ? key : signingKey) { Extra = [.. Fast, .. extra], SharesDatabaseWith = a };
        await b.InitializeAsync();
        return (a, b);
    }

    private static TestUser On(TestUser user, ParleyApp node) => user with { Http = node.Http(user.Token), App = node };

    private static async Task<JsonElement> StatusAsync(TestUser viewer, string userId) =>
        (await viewer.GetAsync($"/api/status/{userId}")).Expect(200);

    private static async Task<string> MemberStatusAsync(TestUser viewer, string conversationId, string userId) =>
        (await viewer.GetAsync($"/api/conversations/{conversationId}")).Expect(200).GetProperty("members").EnumerateArray()
        .Single(m => m.Str("userId") == userId).Str("status");

    private static async Task<List<string>> PresenceOfAsync(WsClient socket, string userId) =>
        [.. (await socket.DrainAsync()).Where(f => f.Type() == "presence" && f.Data().Str("userId") == userId).Select(f => f.Data().Str("status"))];

    [Fact]
    public async Task A_user_connected_to_one_node_is_online_on_every_node_until_their_last_socket_anywhere_closes()
    {
        var redis = Redis();
        var (a, b) = await StartAsync(redis);
        await using var _ = a;
        await using var __ = b;
        await WithLogsAsync(async () =>
        {
            var alice = await a.UserAsync("alice");
            var carol = await b.UserAsync("carol");
            var group = await alice.GroupAsync(carol);
            // Carol watches from both nodes; a status or a member list is read on both.
            await using var watchOnA = await On(carol, a).OnlineAsync();
            await using var watchOnB = await carol.OnlineAsync();

            var phone = await alice.OnlineAsync();
            if (redis is null)
            {
                // Without Redis a node knows only its own sockets.
                Assert.True((await StatusAsync(On(carol, a), alice.Id)).GetProperty("online").GetBoolean());
                Assert.False((await StatusAsync(carol, alice.Id)).GetProperty("online").GetBoolean());
                await phone.DisposeAsync();
                return;
            }
            foreach (var watch in new[] { watchOnA, watchOnB })
                Assert.Equal("online", (await watch.EventAsync("presence", alice.Id, "userId")).Data().Str("status"));
            foreach (var viewer in new[] { On(carol, a), carol })
            {
                var status = await StatusAsync(viewer, alice.Id);
                Assert.Equal("online", status.Str("status"));
                Assert.True(status.GetProperty("online").GetBoolean());
                Assert.Equal("online", await MemberStatusAsync(viewer, group, alice.Id));
            }

            // A second device on the other node, then the first one closes: still online, and nobody is told otherwise.
            var laptop = await On(alice, b).OnlineAsync();
            await phone.CloseAsync();
            await phone.DisposeAsync();
            await Task.Delay(Grace * 2);
            Assert.Empty(await PresenceOfAsync(watchOnA, alice.Id));
            Assert.Empty(await PresenceOfAsync(watchOnB, alice.Id));
            Assert.True((await StatusAsync(On(carol, a), alice.Id)).GetProperty("online").GetBoolean());

            // The last socket anywhere closes: offline once, after the grace period, seen alike on both nodes.
            await laptop.CloseAsync();
            await laptop.DisposeAsync();
            var offline = (await watchOnA.EventAsync("presence", alice.Id, "userId")).Data();
            Assert.Equal("offline", offline.Str("status"));
            Assert.Equal(offline.ToString(), (await watchOnB.EventAsync("presence", alice.Id, "userId")).Data().ToString());
            foreach (var viewer in new[] { On(carol, a), carol })
            {
                var status = await StatusAsync(viewer, alice.Id);
                Assert.Equal(("offline", false, offline.Str("lastSeenAt")), (status.Str("status"), status.GetProperty("online").GetBoolean(), status.Str("lastSeenAt")));
                Assert.Equal("offline", await MemberStatusAsync(viewer, group, alice.Id));
            }
            await Task.Delay(Grace * 2);
            Assert.Empty(await PresenceOfAsync(watchOnA, alice.Id));
            Assert.Empty(await PresenceOfAsync(watchOnB, alice.Id));
        }, a, b);
    }

    [Fact]
    public async Task The_users_of_a_node_that_stops_go_offline_on_the_others_unless_another_node_holds_them()
    {
        var redis = Redis();
        var (a, b) = await StartAsync(redis);
        await using var _ = a;
        try
        {
            await WithLogsAsync(async () =>
            {
                var (alice, bob, carol) = (await b.UserAsync("alice"), await b.UserAsync("bob"), await a.UserAsync("carol"));
                await carol.GroupAsync(alice, bob);
                await using var watch = await carol.OnlineAsync();
                var aliceSocket = await alice.OnlineAsync();
                await using var alicePhone = await On(alice, a).OnlineAsync();
                var bobSocket = await bob.OnlineAsync();
                if (redis is null)
                {
                    // Without Redis node A never knew about them.
                    Assert.False((await StatusAsync(carol, bob.Id)).GetProperty("online").GetBoolean());
                    return;
                }
                Assert.Equal("online", (await watch.EventAsync("presence", alice.Id, "userId")).Data().Str("status"));
                Assert.Equal("online", (await watch.EventAsync("presence", bob.Id, "userId")).Data().Str("status"));

                // Node B goes away. A node that stops leaves its presence to expire, exactly as a killed one (SIGKILL)
                // stops renewing it: nothing of B's runs from here on. Alice still has her phone on A; Bob had only B.
                await b.DisposeAsync();
                await aliceSocket.DisposeAsync();
                await bobSocket.DisposeAsync();

                // Bob goes offline once Presence:NodeTtl has passed without B renewing; Alice never flickers.
                var offline = (await watch.EventAsync("presence", bob.Id, "userId")).Data();
                Assert.Equal("offline", offline.Str("status"));
                Assert.NotNull(offline.GetProperty("lastSeenAt").GetString());
                Assert.Empty(await PresenceOfAsync(watch, alice.Id));
                Assert.False((await StatusAsync(carol, bob.Id)).GetProperty("online").GetBoolean());
                Assert.True((await StatusAsync(carol, alice.Id)).GetProperty("online").GetBoolean());
            }, a);
        }
        finally
        {
            await b.DisposeAsync();
        }
    }

    [Fact]
    public async Task Typing_reaches_members_on_the_other_node_and_ends_there_even_when_its_node_is_gone()
    {
        var redis = Redis();
        var (a, b) = await StartAsync(redis);
        await using var _ = a;
        await using var __ = b;
        await WithLogsAsync(async () =>
        {
            var (alice, bob, dave) = (await a.UserAsync("alice"), await b.UserAsync("bob"), await a.UserAsync("dave"));
            var group = await alice.GroupAsync(bob, dave);
            await using var aliceSocket = await alice.OnlineAsync();
            await using var bobSocket = await bob.OnlineAsync();
            await using var daveSocket = await dave.OnlineAsync();
            // Without Redis only the members on the typist's node see it.
            var watchers = redis is null ? new[] { daveSocket } : [daveSocket, bobSocket];

            // Started on A, seen on both nodes; not refreshed, it ends after Gateway:TypingTimeout with one stop on each.
            Assert.True((await aliceSocket.RequestAsync("typing:start", new { conversationId = group })).GetProperty("ok").GetBoolean());
            foreach (var watch in watchers)
                Assert.True((await watch.EventAsync("typing", group)).Data().GetProperty("isTyping").GetBoolean());
            foreach (var watch in watchers)
                Assert.False((await watch.EventAsync("typing", group)).Data().GetProperty("isTyping").GetBoolean());
            await Task.Delay(Grace);
            foreach (var watch in watchers) Assert.DoesNotContain("typing", (await watch.DrainAsync()).Types());

            // A start whose node dies right after sending it (no stop, no refresh will ever come from there):
            // every node ends it by itself.
            var data = JsonSerializer.SerializeToUtf8Bytes(new { conversationId = group, userId = alice.Id, isTyping = true }, JsonSerializerOptions.Web);
            await a.Services.GetRequiredService<IEventBus>().PublishAsync([new ChatEvent(0, PresenceEventTypes.Typing, group, null, 0, data)
            {
                ExceptUserId = alice.Id,
                Lifetime = TimeSpan.FromSeconds(1),
            }]);
            foreach (var watch in watchers)
            {
                var frames = new[] { await watch.EventAsync("typing", group), await watch.EventAsync("typing", group) };
                Assert.Equal([true, false], frames.Select(f => f.Data().GetProperty("isTyping").GetBoolean()));
                Assert.All(frames, f => Assert.Equal(alice.Id, f.Data().Str("userId")));
            }
            Assert.DoesNotContain("typing", (await aliceSocket.DrainAsync()).Types());
            if (redis is null) Assert.DoesNotContain("typing", (await bobSocket.DrainAsync()).Types());
        }, a, b);
    }

    [Fact]
    public async Task Without_a_configured_key_the_nodes_share_one_generated_in_the_database()
    {
        var (channel, _) = Deployment();
        await using var a = new ClusterNode(Redis(), channel, null);
        await using var b = new ClusterNode(Redis(), channel, null) { SharesDatabaseWith = a };
        // An install from before keeps its key file: it becomes the deployment's key.
        var legacy = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(64));
        Directory.CreateDirectory(a.DataDirectory);
        await File.WriteAllTextAsync(Path.Combine(a.DataDirectory, "jwt.key"), legacy);
        await b.PrepareDatabaseAsync();
        // Both start at once: they agree on one key.
        await Task.WhenAll(Task.Run(async () => await a.InitializeAsync()), Task.Run(async () => await b.InitializeAsync()));

        var key = (a.Services.GetRequiredService<SigningKey>().Value, b.Services.GetRequiredService<SigningKey>().Value);
        Assert.Equal(key.Item1, key.Item2);
        var user = await b.UserAsync("keyed");
        Assert.Equal(user.Id, (await On(user, a).GetAsync("/api/users/me")).Expect(200).Str("id"));
        var other = await a.UserAsync("other");
        Assert.Equal(other.Id, (await On(other, b).GetAsync("/api/users/me")).Expect(200).Str("id"));
        await using var connection = await a.Db.OpenAsync();
        var stored = await connection.ExecuteScalarAsync<string>("SELECT value FROM settings WHERE name = 'jwt_signing_key'");
        Assert.Equal(Convert.FromBase64String(stored!), key.Item1);
        // Node A had the file and could have won the race, or B could have generated one first: either way, one key.
        Assert.False(File.Exists(Path.Combine(b.DataDirectory, "jwt.key")));
    }

    [Fact]
    public async Task An_existing_key_file_is_the_key_a_single_install_keeps_signing_with()
    {
        var (channel, _) = Deployment();
        await using var node = new ClusterNode(null, channel, null);
        var legacy = System.Security.Cryptography.RandomNumberGenerator.GetBytes(64);
        Directory.CreateDirectory(node.DataDirectory);
        await File.WriteAllTextAsync(Path.Combine(node.DataDirectory, "jwt.key"), Convert.ToBase64String(legacy));
        await node.InitializeAsync();
        Assert.Equal(legacy, node.Services.GetRequiredService<SigningKey>().Value);
        var user = await node.UserAsync("legacy");
        var parts = user.Token.Split('.');
        var signature = Convert.ToBase64String(System.Security.Cryptography.HMACSHA256.HashData(legacy, Encoding.ASCII.GetBytes($"{parts[0]}.{parts[1]}")))
            .TrimEnd('=').Replace('+', '-').Replace('/', '_');
        Assert.Equal(signature, parts[2]);
    }

    [Fact]
    public async Task A_password_change_on_one_node_revokes_the_old_token_and_closes_its_sockets_on_every_node_at_once()
    {
        var redis = Redis();
        // Stamps cached for an hour: only the bus message can make node B notice in time.
        var (a, b) = await StartAsync(redis, "", new KeyValuePair<string, string>("Auth:StampCacheSeconds", "3600"));
        await using var _ = a;
        await using var __ = b;
        await WithLogsAsync(async () =>
        {
            var (dana, erin) = (await a.UserAsync("dana"), await a.UserAsync("erin"));
            var danaOnB = On(dana, b);
            (await danaOnB.GetAsync("/api/users/me")).Expect(200);
            (await On(erin, b).GetAsync("/api/users/me")).Expect(200);
            var socketOnA = await dana.OnlineAsync();
            var socketOnB = await danaOnB.OnlineAsync();
            var erinSocketOnB = await On(erin, b).OnlineAsync();

            var fresh = (await dana.PutAsync($"/api/users/{dana.Id}", new { password = "another-horse" })).Expect(200).Str("token");
            // On the node that made the change: at once, token and sockets.
            (await dana.GetAsync("/api/users/me")).ExpectError(401);
            Assert.Equal(Gateway.Unauthorized, await socketOnA.ClosedAsync());
            Assert.Equal(Revocations.Reason, socketOnA.CloseDescription);
            Assert.Equal(dana.Id, (await (dana with { Http = a.Http(fresh) }).GetAsync("/api/users/me")).Expect(200).Str("id"));
            if (redis is not null)
            {
                // On the other node too, with no waiting.
                (await danaOnB.GetAsync("/api/users/me")).ExpectError(401);
                Assert.Equal(Gateway.Unauthorized, await socketOnB.ClosedAsync());
                Assert.Equal(Revocations.Reason, socketOnB.CloseDescription);
                Assert.Equal(dana.Id, (await (danaOnB with { Http = b.Http(fresh) }).GetAsync("/api/users/me")).Expect(200).Str("id"));

                // Deleting an account is a stamp change as well.
                (await erin.DeleteAsync($"/api/users/{erin.Id}")).Expect(200);
                (await On(erin, b).GetAsync("/api/users/me")).ExpectError(401);
                Assert.Equal(Gateway.Unauthorized, await erinSocketOnB.ClosedAsync());
            }
            else
            {
                // Without Redis node B trusts its cached stamp until Auth:StampCacheSeconds runs out.
                (await danaOnB.GetAsync("/api/users/me")).Expect(200);
                Assert.Equal(WebSocketState.Open, socketOnB.State);
            }
            await socketOnA.DisposeAsync();
            await socketOnB.DisposeAsync();
            await erinSocketOnB.DisposeAsync();
        }, a, b);
    }

    [Fact]
    public async Task Sync_hands_out_no_cursor_past_an_event_whose_transaction_is_still_open()
    {
        await using var app = new ClusterNode(null, Deployment().Channel, null);
        await app.InitializeAsync();
        var user = await app.UserAsync("syncer");
        var since = (await user.GetAsync("/api/sync?since=0")).Expect(200).GetProperty("cursor").GetInt64();

        async Task<List<long>> SyncAsync()
        {
            var page = (await user.GetAsync($"/api/sync?since={since}")).Expect(200);
            var cursors = page.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("cursor").GetInt64()).ToList();
            Assert.Equal(cursors.Count > 0 ? cursors[^1] : since, page.GetProperty("cursor").GetInt64());
            since = page.GetProperty("cursor").GetInt64();
            return cursors;
        }

        // Any other transaction appending to this database holds the head back while it runs: sync until it passes `last`.
        async Task<List<long>> SyncThroughAsync(long last)
        {
            var seen = new List<long>();
            using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            while (since < last)
            {
                seen.AddRange(await SyncAsync());
                if (since < last) await Task.Delay(50, deadline.Token);
            }
            return seen;
        }

        Task<ChatEvent> AppendAsync(System.Data.Common.DbConnection connection, System.Data.Common.DbTransaction tx, string what) =>
            EventLog.AppendAsync(connection, tx, "test:" + what, null, user.Id, new { conversationId = (string?)null, what });

        if (app.Dialect == Parley.Server.Data.Dialect.Sqlite)
        {
            // One writer: ids are drawn and committed in the same order, so the log is always exact.
            var first = await app.Db.WriteAsync((c, tx) => AppendAsync(c, tx, "first"));
            var second = await app.Db.WriteAsync((c, tx) => AppendAsync(c, tx, "second"));
            Assert.Equal([first.Cursor, second.Cursor], await SyncThroughAsync(second.Cursor));
            return;
        }

        foreach (var ending in new[] { "commit", "rollback" })
        {
            // A transaction draws the lower id and stays open; another draws a higher one and commits.
            await using var slow = await app.Db.OpenAsync();
            await using var slowTx = await slow.BeginTransactionAsync();
            var held = await AppendAsync(slow, slowTx, "held");
            var later = await app.Db.WriteAsync((c, tx) => AppendAsync(c, tx, "later"));
            Assert.True(later.Cursor > held.Cursor);
            await using (var look = await app.Db.OpenAsync())
                Assert.Equal(later.Cursor, await look.ExecuteScalarAsync<long>("SELECT MAX(id) FROM events"));

            // The later event is committed and visible, but handing it out would move the client past the held one.
            Assert.Empty(await SyncAsync());
            var ready = await ReadyCursorAsync(user);
            Assert.True(ready < held.Cursor, $"ready cursor {ready} is past the open event {held.Cursor}");

            if (ending == "commit") await slowTx.CommitAsync();
            else await slowTx.RollbackAsync();
            Assert.Equal(ending == "commit" ? [held.Cursor, later.Cursor] : [later.Cursor], await SyncThroughAsync(later.Cursor));
            Assert.Empty(await SyncAsync());
        }
    }

    private static async Task<long> ReadyCursorAsync(TestUser user)
    {
        await using var socket = await WsClient.ConnectAsync(user);
        return (await socket.NextAsync("ready")).Data().GetProperty("cursor").GetInt64();
    }

    [Fact]
    public async Task Concurrent_sends_and_retries_through_both_nodes_give_gap_free_seqs_and_no_duplicates()
    {
        var (a, b) = await StartAsync(Redis());
        await using var _ = a;
        await using var __ = b;
        await WithLogsAsync(async () =>
        {
            var (alice, bob) = (await a.UserAsync("alice"), await b.UserAsync("bob"));
            var group = await alice.GroupAsync(On(bob, a));
            const int perSender = 15;
            // Every send goes through one node and, at the same moment, its retry (same clientMessageId) through the other.
            var sends = new List<Task<ApiResponse>>();
            foreach (var (sender, home, away) in new[] { (alice, a, b), (bob, b, a) })
                for (var i = 0; i < perSender; i++)
                {
                    var body = new { content = $"{sender.Username} {i}", clientMessageId = $"{sender.Id}-{i}" };
                    sends.Add(Task.Run(() => On(sender, home).PostAsync($"/api/conversations/{group}/messages", body)));
                    sends.Add(Task.Run(() => On(sender, away).PostAsync($"/api/conversations/{group}/messages", body)));
                }
            var answers = await Task.WhenAll(sends);

            // Each pair: one created (201), the other answered with the same message (200).
            for (var i = 0; i < answers.Length; i += 2)
            {
                var pair = new[] { answers[i], answers[i + 1] };
                Assert.Equal([200, 201], pair.Select(p => (int)p.Status).Order());
                Assert.Equal(pair[0].Data.Str("id"), pair[1].Data.Str("id"));
                Assert.Equal(pair[0].Data.Seq(), pair[1].Data.Seq());
            }
            var history = await alice.HistoryAsync(group);
            Assert.Equal(Enumerable.Range(1, 2 * perSender).Select(n => (long)n), history.Select(m => m.Seq()));
            Assert.Equal(2 * perSender, history.Select(m => m.Str("clientMessageId")).Distinct().Count());
            Assert.Equal(2 * perSender, await a.EventCountAsync(MessageEventTypes.MessageNew, group));
        }, a, b);
    }
}
