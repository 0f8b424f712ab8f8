namespace Parley.Server.Presence;

/// <summary>"Presence" section.</summary>
public sealed class PresenceOptions
{
    /// <summary>A user goes offline this long after their last socket closes, so a quick reconnect shows no flicker.</summary>
    public TimeSpan OfflineGrace { get; set; } = TimeSpan.FromSeconds(5);
}
