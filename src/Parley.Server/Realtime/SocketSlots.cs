namespace Parley.Server.Realtime;

/// <summary>
/// The cap on open gateway sockets (Limits:MaxSockets), shared by the HTTP endpoint and the connection-level
/// handshake: past it an upgrade is refused with 503 instead of running the process out of file descriptors.
/// </summary>
public sealed class SocketSlots(long limit)
{
    private long _open;

    public long Limit => limit;

    public bool TryTake()
    {
        if (Interlocked.Increment(ref _open) <= limit) return true;
        Interlocked.Decrement(ref _open);
        return false;
    }

    public void Return() => Interlocked.Decrement(ref _open);

    public static readonly Api.Failure Full = Api.Failure.Unavailable("Too many open sockets on this server; try again later");
}
