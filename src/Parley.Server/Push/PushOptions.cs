namespace Parley.Server.Push;

/// <summary>Push__*: Web Push to users who are not connected.</summary>
public sealed class PushOptions
{
    public const string Section = "Push";

    public bool Enabled { get; set; } = true;

    /// <summary>Whether a push carries the start of the message; off, it says only who wrote where.</summary>
    public bool IncludePreview { get; set; } = true;

    /// <summary>The VAPID contact push services may use to reach the operator (mailto: or https:).</summary>
    public string Subject { get; set; } = "mailto:admin@localhost";

    /// <summary>Push endpoints on private and loopback addresses, and plain http (a local push service in tests).</summary>
    public bool AllowPrivateAddresses { get; set; }

    /// <summary>How long a push service keeps a message for a device that is offline.</summary>
    public TimeSpan TimeToLive { get; set; } = TimeSpan.FromDays(1);

    public int Concurrency { get; set; } = 4;
    public int QueueSize { get; set; } = 10_000;
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);
    public int MaxSubscriptionsPerUser { get; set; } = 20;

    /// <summary>
    /// Also push to a user whose sockets are live but who did nothing (no request but heartbeats, no REST call, no new
    /// socket) anywhere for this many seconds; 0, the default: only users with no live socket are pushed.
    /// </summary>
    public int IdleSeconds { get; set; }
}
