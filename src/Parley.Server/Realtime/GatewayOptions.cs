namespace Parley.Server.Realtime;

/// <summary>The WebSocket gateway's limits ("Gateway" section; the event log and typing read theirs from it too); the defaults are DESIGN.md's.</summary>
public sealed class GatewayOptions
{
    /// <summary>Frames waiting for one socket; a client that falls further behind is closed with 1013.</summary>
    public int SendQueueSize { get; set; } = 1000;
    public TimeSpan KeepAliveInterval { get; set; } = TimeSpan.FromSeconds(30);
    /// <summary>A socket that answers no ping within this time is dropped.</summary>
    public TimeSpan KeepAliveTimeout { get; set; } = TimeSpan.FromSeconds(30);
    public TimeSpan AuthTimeout { get; set; } = TimeSpan.FromSeconds(10);
    /// <summary>How long a closing socket may take to finish its handshake before it is aborted.</summary>
    public TimeSpan CloseTimeout { get; set; } = TimeSpan.FromSeconds(5);
    public int MaxFrameBytes { get; set; } = 64 * 1024;
    /// <summary>Oversized or malformed frames tolerated before the socket is closed with 1008.</summary>
    public int MaxInvalidFrames { get; set; } = 5;
    /// <summary>Most events one resume or sync call returns; hasMore says when to ask again.</summary>
    public int ResumeBatch { get; set; } = 500;
}
