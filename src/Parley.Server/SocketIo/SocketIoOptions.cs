namespace Parley.Server.SocketIo;

/// <summary>The Socket.IO endpoint's settings ("SocketIo" section); the defaults are those of the reference server.</summary>
public sealed class SocketIoOptions
{
    public TimeSpan PingInterval { get; set; } = TimeSpan.FromSeconds(25);
    public TimeSpan PingTimeout { get; set; } = TimeSpan.FromSeconds(20);
    /// <summary>Largest long-polling body or WebSocket message a client may send; larger closes the session.</summary>
    public int MaxPayload { get; set; } = 1_000_000;
    /// <summary>A session that joins no namespace within this time is closed.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(45);
    /// <summary>Browser origins allowed to call the endpoint cross-origin ("*" for any); empty: same origin only.</summary>
    public string[] CorsOrigins { get; set; } = [];
    /// <summary>How this node is reached by the others (e.g. http://10.0.0.5:5001); empty: its own listening address.</summary>
    public string NodeUrl { get; set; } = "";
    /// <summary>The settings and namespaces the Socket.IO protocol test suite expects (socket.io-protocol/test-suite).</summary>
    public bool ProtocolTestMode { get; set; }

    public void ApplyTestMode()
    {
        if (!ProtocolTestMode) return;
        (PingInterval, PingTimeout, MaxPayload, ConnectTimeout) =
            (TimeSpan.FromMilliseconds(300), TimeSpan.FromMilliseconds(200), 1_000_000, TimeSpan.FromMilliseconds(1000));
    }
}
