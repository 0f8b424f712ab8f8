using System.Text;
using System.Threading.Channels;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Parley.Server.Auth;
using Parley.Server.Conversations;
using Parley.Server.Data;
using Parley.Server.Events;
using Parley.Server.Messages;
using Parley.Server.Notifications;
using Parley.Server.Presence;
using Parley.Tests.Support;
using static Parley.Tests.Support.ClusterNode;
using Node = Parley.Tests.Support.ClusterNode;

namespace Parley.Tests;

/// <summary>
/// Two nodes of one deployment: one database (PostgreSQL in the PostgreSQL run, one shared SQLite file in
/// the SQLite run), one signing key and, when PARLEY_TEST_REDIS is set (scripts/test.sh does), one Redis.
/// </summary>
public sealed class ScaleOutTests
{
    private const int Conversations = 24;

    /// <summary>Everything a node's bus hands to a subscriber registered there, in arrival order.</summary>
    private sealed class Received
    {
        private readonly Channel<ChatEvent> _events = Channel.CreateUnbounded<ChatEvent>();

        public Received(ParleyApp node) => node.Services.GetRequiredService<IEventBus>().Subscribe(e => _events.Writer.WriteAsync(e));

        /// <summary>Reads events until <paramref name="last"/> arrives; fails rather than waits forever.</summary>
        public async Task<List<ChatEvent>> UntilAsync(long last)
        {
            var list = new List<ChatEvent>();
            using var guard = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            while (list.LastOrDefault()?.Cursor != last)
                list.Add(await _events.Reader.ReadAsync(guard.Token));
            return list;
        }

        public bool Idle => !_events.Reader.TryPeek(out _);
    }

    [Fact]
    public async Task Events_caused_on_either_node_reach_both_nodes_exactly_once_in_order()
    {
        if (Redis() is not { } redis)
        {
            await Without_redis_each_node_only_hears_itself();
            return;
        }
        var (channel, key) = Deployment();
        await using var a = new Node(redis, channel, key);
        await a.InitializeAsync();
        await using var b = new Node(redis, channel, key) { SharesDatabaseWith = a };
        await b.InitializeAsync();
        Assert.IsType<RedisEventBus>(b.Services.GetRequiredService<IEventBus>());
        var (onA, onB) = (new Received(a), new Received(b));
        await WithLogsAsync(async () =>
        {
            // One account, usable on both nodes: the same database and the same signing key.
            var alice = await a.UserAsync("alice");
            var (bob, carol) = (await b.UserAsync("bob"), await b.UserAsync("carol"));
            Assert.Equal(alice.Id, (await (alice with { Http = b.Http(alice.Token) }).GetAsync("/api/users/me")).Expect(200).Str("id"));

            // Many REST calls, most on A, some on B, one after another.
            var created = new List<string>();
            for (var i = 0; i < Conversations; i++)
            {
                var (caller, other) = i % 3 == 2 ? (bob, carol) : (alice, bob);
                created.Add((await caller.PostAsync("/api/conversations", new { type = "group", name = $"Scale {i}", participantIds = new[] { other.Id } }))
                    .Expect(201).Str("id"));
            }

            await using var connection = await a.Db.OpenAsync();
            var stored = (await connection.QueryAsync<long>("SELECT id FROM events ORDER BY id")).ToList();
            var (seenOnA, seenOnB) = (await onA.UntilAsync(stored[^1]), await onB.UntilAsync(stored[^1]));

            // Every stored event once, in the order the calls made them, on both nodes; nothing else.
            Assert.Equal(stored, seenOnB.Select(e => e.Cursor));
            Assert.Equal(stored, seenOnA.Select(e => e.Cursor));
            Assert.True(onA.Idle && onB.Idle);
            Assert.Equal(created, seenOnB.Where(e => e.Type == ConversationEventTypes.ConversationNew && e.ConversationId is not null).Select(e => e.ConversationId));
            var first = seenOnB.First(e => e.ConversationId == created[0]);
            Assert.Contains($"\"conversationId\":\"{created[0]}\"", Encoding.UTF8.GetString(first.Data.Span));
            Assert.All(seenOnB.Zip(seenOnA), pair => Assert.True(pair.First.Data.Span.SequenceEqual(pair.Second.Data.Span)));
        }, a, b);
    }

    [Fact]
    public async Task A_password_changed_on_one_node_signs_the_old_token_out_on_the_other()
    {
        var (channel, key) = Deployment();
        await using var a = new Node(Redis(), channel, key);
        await a.InitializeAsync();
        await using var b = new Node(Redis(), channel, key) { SharesDatabaseWith = a };
        await b.InitializeAsync();
        var onA = await a.UserAsync("dana");
        var onB = onA with { Http = b.Http(onA.Token) };
        (await onB.GetAsync("/api/users/me")).Expect(200);

        var fresh = (await onA.PutAsync($"/api/users/{onA.Id}", new { password = "another-horse" })).Expect(200).Str("token");
        (await onB.GetAsync("/api/users/me")).ExpectError(401);
        Assert.Equal(onA.Id, (await (onB with { Http = b.Http(fresh) }).GetAsync("/api/users/me")).Expect(200).Str("id"));
    }

    [Fact]
    public async Task A_node_whose_redis_cannot_be_reached_does_not_start()
    {
        var (channel, key) = Deployment();
        await using var node = new Node("127.0.0.1:1,connectTimeout=1000,password=hunter2", channel, key);
        var error = (await Assert.ThrowsAnyAsync<Exception>(async () => await node.InitializeAsync())).ToString();
        Assert.Contains("Redis:Connection names 127.0.0.1:1", error);
        Assert.DoesNotContain("hunter2", error);
    }

    private static async Task Without_redis_each_node_only_hears_itself()
    {
        // Outside CI without a Redis: the in-process bus of each node hears that node only, exactly once and in order.
        var (channel, key) = Deployment();
        await using var a = new Node(null, channel, key);
        await a.InitializeAsync();
        await using var b = new Node(null, channel, key) { SharesDatabaseWith = a };
        await b.InitializeAsync();
        Assert.IsType<InProcessEventBus>(a.Services.GetRequiredService<IEventBus>());
        var (onA, onB) = (new Received(a), new Received(b));
        var alice = await a.UserAsync("alice");
        var bob = await b.UserAsync("bob");
        for (var i = 0; i < 4; i++)
            (await alice.PostAsync("/api/conversations", new { type = "group", name = $"Local {i}", participantIds = new[] { bob.Id } })).Expect(201);
        await using var connection = await a.Db.OpenAsync();
        var stored = (await connection.QueryAsync<long>("SELECT id FROM events ORDER BY id")).ToList();
        Assert.Equal(stored, (await onA.UntilAsync(stored[^1])).Select(e => e.Cursor));
        Assert.True(onB.Idle);
    }

    [Fact]
    public async Task Publishing_returns_after_the_publishing_node_has_handed_the_events_on()
    {
        var (channel, key) = Deployment();
        await using var node = new Node(Redis(), channel, key);
        await node.InitializeAsync();
        var bus = node.Services.GetRequiredService<IEventBus>();
        var handled = new List<long>();
        bus.Subscribe(e => { lock (handled) handled.Add(e.Cursor); return ValueTask.CompletedTask; });

        await bus.PublishAsync([new ChatEvent(-1, "test", null, "u", 1, "{}"u8.ToArray()), new ChatEvent(-2, "test", null, "u", 2, "{}"u8.ToArray())]);
        lock (handled) Assert.Equal([-1L, -2L], handled);
        await bus.PublishAsync([]);
        lock (handled) Assert.Equal(2, handled.Count);
    }

    [Fact]
    public async Task Two_nodes_starting_at_once_on_an_empty_database_migrate_it_once()
    {
        var (channel, key) = Deployment();
        await using var a = new Node(Redis(), channel, key);
        await using var b = new Node(Redis(), channel, key) { SharesDatabaseWith = a };
        await b.PrepareDatabaseAsync();
        await Task.WhenAll(Task.Run(async () => await a.InitializeAsync()), Task.Run(async () => await b.InitializeAsync()));

        await using var connection = await b.Db.OpenAsync();
        Assert.Equal(Migrator.Versions(b.Dialect), await connection.QueryAsync<long>("SELECT version FROM schema_version ORDER BY version"));
        var user = await a.UserAsync("early");
        Assert.Equal(user.Id, (await (user with { Http = b.Http(user.Token) }).GetAsync("/api/users/me")).Expect(200).Str("id"));
    }

    [Fact]
    public async Task Every_test_app_uses_the_bus_this_run_asks_for()
    {
        await using var app = new ParleyApp();
        await app.InitializeAsync();
        var bus = app.Services.GetRequiredService<IEventBus>();
        if (ParleyApp.TestBusIsRedis) Assert.Equal(app.BusChannel, Assert.IsType<RedisEventBus>(bus).ChannelName);
        else Assert.IsType<InProcessEventBus>(bus);
    }

    [Fact]
    public void The_wire_format_round_trips_every_field()
    {
        var node = Guid.NewGuid();
        ChatEvent[] events =
        [
            new(42, MessageEventTypes.MessageNew, "c-1", null, 1_700_000_000_123, Encoding.UTF8.GetBytes("{\"text\":\"héllo ✓\"}")),
            new(0, PresenceEventTypes.Typing, "c-1", null, 5, Encoding.UTF8.GetBytes("{}")) { ExceptUserId = "typist", Lifetime = TimeSpan.FromSeconds(6) },
            new(long.MaxValue, NotificationEventTypes.NotificationNew, null, "u-ü", 0, ReadOnlyMemory<byte>.Empty),
        ];
        var batch = EventWire.Decode(EventWire.Encode(node, 7, events));
        Assert.Equal(node, batch.Node);
        Assert.Equal(7, batch.Sequence);
        Assert.Equal(3, batch.Events.Count);
        foreach (var (sent, got) in events.Zip(batch.Events))
        {
            Assert.Equal((sent.Cursor, sent.Type, sent.ConversationId, sent.UserId, sent.CreatedAt, sent.ExceptUserId, sent.Lifetime),
                (got.Cursor, got.Type, got.ConversationId, got.UserId, got.CreatedAt, got.ExceptUserId, got.Lifetime));
            Assert.Equal(sent.Data.ToArray(), got.Data.ToArray());
        }
        // Batches an older node can read entirely go out in its version (2); lifetimes and internal messages need 3.
        Assert.Equal([3, 2, 3], new[] { events, [events[0], events[2]], [new ChatEvent(0, AuthEventTypes.StampChanged, null, "u", 0, "{}"u8.ToArray())] }
            .Select(batch => (int)EventWire.Encode(node, 1, batch)[0]));
        Assert.Equal(events[0].Data.ToArray(), EventWire.Decode(EventWire.Encode(node, 1, [events[0]])).Events[0].Data.ToArray());
        Assert.Throws<FormatException>(() => EventWire.Decode([9, 1, 2, 3]));
        Assert.ThrowsAny<Exception>(() => EventWire.Decode(EventWire.Encode(node, 1, events)[..^3]));
    }
}
