using System.Collections.Concurrent;
using System.Threading.Channels;
using StackExchange.Redis;

namespace Parley.Server.Events;

/// <summary>
/// The bus of a scaled-out deployment: every node publishes its committed events on one Redis channel and
/// every node, the publisher included, hands each event it receives there to its subscribers. Redis delivers
/// one channel's messages to every subscriber in one order, so all nodes see the same sequence, and a
/// node's own events in the order it published them. <see cref="PublishAsync"/> returns once this node's
/// subscribers have had the events (as with the in-process bus), or after <see cref="EchoTimeout"/>.
/// Events lost while Redis is unreachable are still in the event log for clients to resume from.
/// </summary>
public sealed class RedisEventBus(RedisBusOptions options, NodeId node, ILogger<RedisEventBus> logger) : IEventBus, IHostedService, IAsyncDisposable
{
    public static readonly TimeSpan EchoTimeout = TimeSpan.FromSeconds(5);

    private readonly Channel<EventWire.Batch> _inbox = Channel.CreateUnbounded<EventWire.Batch>(new UnboundedChannelOptions { SingleReader = true });
    private readonly ConcurrentDictionary<long, TaskCompletionSource> _echoes = new();
    private readonly Lock _gate = new();
    private volatile Func<ChatEvent, ValueTask>[] _handlers = [];
    private ConnectionMultiplexer? _redis;
    private Task? _pump;
    private long _published;

    public string ChannelName => options.Channel;

    /// <summary>The bus's connection, for state the nodes share in Redis (presence); available once started.</summary>
    public IDatabase Database => (_redis ?? throw new InvalidOperationException("The Redis event bus has not been started")).GetDatabase();

    /// <summary>Where this deployment's keys live: the channel name and a colon, so deployments sharing a Redis stay apart.</summary>
    public string KeyPrefix => options.Channel + ":";

    public async Task StartAsync(CancellationToken ct)
    {
        var configuration = ConfigurationOptions.Parse(options.Connection);
        configuration.ClientName ??= $"parley-{node.Value:N}";
        try
        {
            _redis = await ConnectionMultiplexer.ConnectAsync(configuration);
        }
        catch (RedisConnectionException e)
        {
            // Endpoints only: the connection string may hold a password.
            throw new InvalidOperationException(
                $"Redis:Connection names {string.Join(", ", configuration.EndPoints.Select(EndPointString))} but Redis cannot be reached there: {e.Message}", e);
        }
        // Subscription messages are handed over one at a time, in the order Redis sent them.
        _redis.PreserveAsyncOrder = true;
        _redis.ConnectionFailed += (_, e) => logger.LogWarning(e.Exception, "Event bus: lost Redis {Endpoint} ({Type}, {Failure})", e.EndPoint, e.ConnectionType, e.FailureType);
        _redis.ConnectionRestored += (_, e) => logger.LogInformation("Event bus: Redis {Endpoint} ({Type}) is back", e.EndPoint, e.ConnectionType);
        _pump = Task.Run(PumpAsync, CancellationToken.None);
        await _redis.GetSubscriber().SubscribeAsync(options.Channel, (_, message) => Receive(message));
        logger.LogInformation("Event bus: Redis channel {Channel} as node {Node}", options.Channel, node);
    }

    private static string EndPointString(System.Net.EndPoint endpoint) => endpoint switch
    {
        System.Net.DnsEndPoint dns => $"{dns.Host}:{dns.Port}",
        _ => endpoint.ToString() ?? "?",
    };

    public async ValueTask PublishAsync(IReadOnlyList<ChatEvent> events, CancellationToken ct = default)
    {
        if (events.Count == 0) return;
        var redis = _redis ?? throw new InvalidOperationException("The Redis event bus has not been started");
        var sequence = Interlocked.Increment(ref _published);
        var echo = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _echoes[sequence] = echo;
        try
        {
            await redis.GetSubscriber().PublishAsync(options.Channel, EventWire.Encode(node.Value, sequence, events));
            await echo.Task.WaitAsync(EchoTimeout, ct);
        }
        catch (TimeoutException)
        {
            logger.LogWarning("Event bus: {Count} event(s) from {First} did not come back from Redis within {Timeout}", events.Count, events[0].Cursor, EchoTimeout);
        }
        catch (Exception e) when (e is RedisException or InvalidOperationException)
        {
            // The change is committed and in the event log; live delivery is what failed.
            logger.LogError(e, "Event bus: could not publish {Count} event(s) from {First}", events.Count, events[0].Cursor);
        }
        finally
        {
            _echoes.TryRemove(sequence, out _);
        }
    }

    public void Subscribe(Func<ChatEvent, ValueTask> handler)
    {
        lock (_gate) _handlers = [.. _handlers, handler];
    }

    private void Receive(RedisValue message)
    {
        try
        {
            _inbox.Writer.TryWrite(EventWire.Decode((byte[])message!));
        }
        catch (Exception e) when (e is FormatException or EndOfStreamException or IOException)
        {
            logger.LogWarning(e, "Event bus: ignored a message on {Channel} that is not a Parley event batch", options.Channel);
        }
    }

    private async Task PumpAsync()
    {
        await foreach (var batch in _inbox.Reader.ReadAllAsync())
        {
            foreach (var e in batch.Events)
                foreach (var handler in _handlers)
                {
                    try
                    {
                        await handler(e);
                    }
                    catch (Exception error)
                    {
                        logger.LogError(error, "Event bus: a subscriber failed on {Type} {Cursor}", e.Type, e.Cursor);
                    }
                }
            if (batch.Node == node.Value && _echoes.TryGetValue(batch.Sequence, out var echo)) echo.TrySetResult();
        }
    }

    /// <summary>Closing the connection ends the subscription; then the events already received are handed on.</summary>
    public async Task StopAsync(CancellationToken ct)
    {
        try
        {
            if (_redis is { } redis) await redis.CloseAsync(allowCommandsToComplete: true);
        }
        // StackExchange.Redis 1.2.6 (the only version served here) can throw NullReferenceException from inside
        // CloseAsync (ConnectionMultiplexer.AllComplete) when a background task is already gone.
        catch (Exception e) when (e is RedisException or ObjectDisposedException or IOException or NullReferenceException)
        {
            // Shutting down: a connection that closes under us is what we wanted anyway.
            logger.LogDebug(e, "Event bus: Redis connection closed uncleanly");
        }
        _inbox.Writer.TryComplete();
        if (_pump is { } pump) await pump.WaitAsync(ct);
    }

    public ValueTask DisposeAsync()
    {
        _inbox.Writer.TryComplete();
        _redis?.Dispose();
        return ValueTask.CompletedTask;
    }
}

/// <summary>Redis:Connection (StackExchange.Redis syntax, e.g. "redis:6379,password=...") and Redis:Channel.</summary>
public sealed class RedisBusOptions
{
    public string Connection { get; set; } = "";
    public string Channel { get; set; } = "parley:events";
}

/// <summary>
/// One published batch on the wire, compact and versioned: [version][node guid][sequence] then per event
/// cursor, type, conversation id, user id (null-flagged), created-at, the payload's JSON bytes, the user it
/// skips and (version 3) its lifetime in milliseconds, 0 for none. A batch without lifetimes or internal
/// messages is written as version 2, so during a rolling upgrade the nodes of the previous release miss only
/// typing starts and the internal messages they would not understand (and would hand to sockets).
/// </summary>
public static class EventWire
{
    private const byte Version = 3;
    private const byte VersionWithoutLifetimes = 2;

    public sealed record Batch(Guid Node, long Sequence, IReadOnlyList<ChatEvent> Events);

    public static byte[] Encode(Guid node, long sequence, IReadOnlyList<ChatEvent> events)
    {
        using var buffer = new MemoryStream(64 + events.Sum(e => 96 + e.Data.Length));
        using (var w = new BinaryWriter(buffer))
        {
            var version = events.Any(e => e.Lifetime is not null || e.IsInternal) ? Version : VersionWithoutLifetimes;
            w.Write(version);
            w.Write(node.ToByteArray());
            w.Write(sequence);
            w.Write7BitEncodedInt(events.Count);
            foreach (var e in events)
            {
                w.Write(e.Cursor);
                w.Write(e.Type);
                WriteNullable(w, e.ConversationId);
                WriteNullable(w, e.UserId);
                w.Write(e.CreatedAt);
                w.Write7BitEncodedInt(e.Data.Length);
                w.Write(e.Data.Span);
                WriteNullable(w, e.ExceptUserId);
                if (version == Version) w.Write7BitEncodedInt64(e.Lifetime is { } lifetime ? (long)lifetime.TotalMilliseconds : 0);
            }
        }
        return buffer.ToArray();
    }

    public static Batch Decode(byte[] message)
    {
        using var r = new BinaryReader(new MemoryStream(message, writable: false));
        var version = r.ReadByte();
        if (version is not (VersionWithoutLifetimes or Version)) throw new FormatException("Unknown event batch version");
        var node = new Guid(r.ReadBytes(16));
        var sequence = r.ReadInt64();
        var count = r.Read7BitEncodedInt();
        var events = new List<ChatEvent>(count);
        for (var i = 0; i < count; i++)
            events.Add(new ChatEvent(r.ReadInt64(), r.ReadString(), ReadNullable(r), ReadNullable(r), r.ReadInt64(), r.ReadBytes(r.Read7BitEncodedInt()))
            {
                ExceptUserId = ReadNullable(r),
                Lifetime = version == VersionWithoutLifetimes || r.Read7BitEncodedInt64() is not (> 0 and var ms) ? null : TimeSpan.FromMilliseconds(ms),
            });
        if (r.BaseStream.Position != message.Length) throw new FormatException("Trailing bytes after an event batch");
        return new Batch(node, sequence, events);
    }

    private static void WriteNullable(BinaryWriter w, string? value)
    {
        w.Write(value is not null);
        if (value is not null) w.Write(value);
    }

    private static string? ReadNullable(BinaryReader r) => r.ReadBoolean() ? r.ReadString() : null;
}

public static class EventBusExtensions
{
    /// <summary>The Redis bus when Redis:Connection is set, else the in-process bus; either way one IEventBus per node.</summary>
    public static IServiceCollection AddParleyEventBus(this IServiceCollection services)
    {
        services.AddSingleton<NodeId>();
        services.AddSingleton(sp => sp.GetRequiredService<IConfiguration>().GetSection("Redis").Get<RedisBusOptions>() ?? new RedisBusOptions());
        services.AddSingleton<IEventBus>(sp => sp.GetRequiredService<RedisBusOptions>().Connection is { Length: > 0 }
            ? ActivatorUtilities.CreateInstance<RedisEventBus>(sp)
            : new InProcessEventBus(contiguousCursors: sp.GetRequiredService<Parley.Server.Data.Db>().IsSqlite));
        // Connects and subscribes before the server takes requests, so no event published after start-up is missed.
        services.AddHostedService(sp => new BusLifetime(sp.GetRequiredService<IEventBus>()));
        return services;
    }

    private sealed class BusLifetime(IEventBus bus) : IHostedService
    {
        public Task StartAsync(CancellationToken ct) => bus is IHostedService hosted ? hosted.StartAsync(ct) : Task.CompletedTask;
        public Task StopAsync(CancellationToken ct) => bus is IHostedService hosted ? hosted.StopAsync(ct) : Task.CompletedTask;
    }
}
