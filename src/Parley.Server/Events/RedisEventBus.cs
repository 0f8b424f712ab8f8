using System.Collections.Concurrent;
using System.Threading.Channels;
using Parley.Server.Monitoring;
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
public sealed class RedisEventBus(RedisBusOptions options, NodeId node, ServerMetrics metrics, ILogger<RedisEventBus> logger) : IEventBus, IHostedService, IAsyncDisposable
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
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            await redis.GetSubscriber().PublishAsync(options.Channel, EventWire.Encode(node.Value, sequence, events));
            await echo.Task.WaitAsync(EchoTimeout, ct);
            metrics.BusPublishLag.Observe(ServerMetrics.SecondsSince(started));
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
