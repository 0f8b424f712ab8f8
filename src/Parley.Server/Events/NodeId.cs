namespace Parley.Server.Events;

/// <summary>
/// This server process among the nodes of one deployment. Every batch a node publishes on the Redis bus
/// carries its id, so a node recognises its own events when they come back (see <see cref="RedisEventBus"/>).
/// </summary>
public sealed class NodeId
{
    public Guid Value { get; } = Guid.NewGuid();

    /// <summary>Short and readable in logs: the host name and the first part of the id.</summary>
    public string Name => $"{Environment.MachineName}/{Value.ToString("N")[..8]}";

    public override string ToString() => Name;
}
