namespace Parley.Server.Events;

/// <summary>How long the event log keeps events for resume, and how often it prunes (in the "Gateway" section, as DESIGN.md names them).</summary>
public sealed class EventLogOptions
{
    public TimeSpan EventRetention { get; set; } = TimeSpan.FromDays(7);
    public TimeSpan PruneInterval { get; set; } = TimeSpan.FromHours(1);
}
