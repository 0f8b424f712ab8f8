namespace Parley.Server.Presence;

/// <summary>"Presence" section.</summary>
public sealed class PresenceOptions
{
    /// <summary>A user goes offline this long after their last socket closes, so a quick reconnect shows no flicker.</summary>
    public TimeSpan OfflineGrace { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// With Redis: a node that stops renewing its presence (killed, or cut off from Redis) counts as gone this long
    /// after its last renewal, and its users go offline unless another node holds them. Each node renews every
    /// third of it and looks for gone nodes at the same time, so they are noticed within about 4/3 of it.
    /// </summary>
    public TimeSpan NodeTtl { get; set; } = TimeSpan.FromSeconds(15);
}
