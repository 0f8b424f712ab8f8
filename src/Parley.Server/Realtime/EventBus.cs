namespace Parley.Server.Realtime;

/// <summary>Carries committed events to every node's sockets (in-process here; Redis when scaled out).</summary>
public interface IEventBus
{
    ValueTask PublishAsync(IReadOnlyList<ChatEvent> events, CancellationToken ct = default);

    /// <summary>Registers a receiver of every event published on any node.</summary>
    void Subscribe(Func<ChatEvent, ValueTask> handler);
}

public sealed class InProcessEventBus : IEventBus
{
    private volatile Func<ChatEvent, ValueTask>[] _handlers = [];
    private readonly Lock _gate = new();

    public async ValueTask PublishAsync(IReadOnlyList<ChatEvent> events, CancellationToken ct = default)
    {
        var handlers = _handlers;
        foreach (var e in events)
            foreach (var handler in handlers)
                await handler(e);
    }

    public void Subscribe(Func<ChatEvent, ValueTask> handler)
    {
        lock (_gate) _handlers = [.. _handlers, handler];
    }
}
