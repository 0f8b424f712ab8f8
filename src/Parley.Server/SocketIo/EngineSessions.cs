using System.Collections.Concurrent;
using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using Parley.Server.Monitoring;
using Parley.Server.Realtime;

namespace Parley.Server.SocketIo;

/// <summary>
/// This node's Engine.IO sessions by sid. A sid starts with this node's key (<see cref="NodeKey"/>), so any node
/// can tell whose session a request is for and forward it there (<see cref="SessionForwarder"/>).
/// </summary>
public sealed class EngineSessions(IOptions<SocketIoOptions> options, IOptions<GatewayOptions> gateway, ServerMetrics metrics, IServiceProvider services)
{
    public const int NodeKeyLength = 8;
    private readonly ConcurrentDictionary<string, EngineSession> _sessions = new(StringComparer.Ordinal);

    public string NodeKey { get; } = RandomKey(6);

    public int Count => _sessions.Count;

    public EngineSession Open(EngineTransport transport, SessionRequest request)
    {
        var session = new EngineSession(NodeKey + RandomKey(15), transport, request, options.Value, gateway.Value.SendQueueSize,
            s =>
            {
                _sessions.TryRemove(s.Sid, out _);
                if (s.CloseReason == EngineSession.QueueFullReason) metrics.CountOverflow();
            });
        session.Handler = ActivatorUtilities.CreateInstance<SocketLayer>(services, session);
        _sessions[session.Sid] = session;
        return session;
    }

    public EngineSession? Find(string sid) => _sessions.GetValueOrDefault(sid);

    public static string? NodeKeyOf(string sid) => sid.Length > NodeKeyLength ? sid[..NodeKeyLength] : null;

    public void CloseAll(string reason)
    {
        foreach (var session in _sessions.Values) session.Close(reason);
    }

    /// <summary>URL-safe random text: <paramref name="bytes"/> random bytes, base64url without padding.</summary>
    private static string RandomKey(int bytes) =>
        Convert.ToBase64String(RandomNumberGenerator.GetBytes(bytes)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
