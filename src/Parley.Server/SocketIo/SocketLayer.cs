using System.Text.Json;
using Microsoft.Extensions.Options;

namespace Parley.Server.SocketIo;

/// <summary>One namespace joined by one session (Parley's <c>/</c>, or the protocol test mode's echo).</summary>
public interface ISocketNamespace
{
    ValueTask OnEventAsync(SocketPacket packet, IReadOnlyList<ReadOnlyMemory<byte>> attachments);

    void OnDisconnect();
}

/// <summary>
/// The Socket.IO layer of one Engine.IO session: decodes packets, collects a binary packet's attachments, joins and
/// leaves namespaces (<see cref="NamespaceConnector"/>) and hands events to the namespace they are for. A session
/// that joins no namespace within the connect timeout is closed; so is one that sends anything malformed.
/// </summary>
public sealed class SocketLayer : IEngineHandler
{
    private readonly EngineSession _session;
    private readonly NamespaceConnector _connector;
    private readonly Dictionary<string, ISocketNamespace> _namespaces = new(StringComparer.Ordinal);
    private readonly Timer _connectTimeout;
    private SocketPacket? _binary;
    private List<ReadOnlyMemory<byte>>? _attachments;

    public SocketLayer(EngineSession session, NamespaceConnector connector, IOptions<SocketIoOptions> options)
    {
        (_session, _connector) = (session, connector);
        _connectTimeout = new Timer(static s =>
        {
            var layer = (SocketLayer)s!;
            lock (layer._namespaces)
                if (layer._namespaces.Count == 0) layer._session.Close("connect timeout");
        }, this, options.Value.ConnectTimeout, Timeout.InfiniteTimeSpan);
    }

    public async ValueTask<bool> OnMessageAsync(EnginePacket packet)
    {
        if (packet.Binary)
        {
            if (_binary is not { } waiting) return false;
            _attachments!.Add(packet.Data.ToArray());
            if (_attachments.Count < waiting.Attachments) return true;
            var attachments = _attachments;
            (_binary, _attachments) = (null, null);
            return await DispatchAsync(waiting, attachments);
        }
        if (_binary is not null || !SocketCodec.TryDecode(packet.Data.Span, out var decoded)) return false;
        if (decoded!.Attachments > 0)
        {
            (_binary, _attachments) = (decoded, new List<ReadOnlyMemory<byte>>(decoded.Attachments));
            return true;
        }
        return await DispatchAsync(decoded, []);
    }

    private async ValueTask<bool> DispatchAsync(SocketPacket packet, IReadOnlyList<ReadOnlyMemory<byte>> attachments)
    {
        switch (packet.Type)
        {
            case SocketType.Connect:
                await ConnectAsync(packet);
                return true;
            case SocketType.Disconnect:
                ISocketNamespace? left;
                lock (_namespaces)
                    if (_namespaces.Remove(packet.Namespace, out left)) { }
                left?.OnDisconnect();
                return true;
            case SocketType.Event or SocketType.BinaryEvent:
                // Events for a namespace this session has not joined are dropped, as the reference server does.
                if (Joined(packet.Namespace) is { } ns) await ns.OnEventAsync(packet, attachments);
                return true;
            default:
                // The server asks nothing with an ack, so an ack answers nothing: ignored.
                return packet.Type is SocketType.Ack or SocketType.BinaryAck;
        }
    }

    private ISocketNamespace? Joined(string ns)
    {
        lock (_namespaces) return _namespaces.GetValueOrDefault(ns);
    }

    private async ValueTask ConnectAsync(SocketPacket packet)
    {
        if (Joined(packet.Namespace) is not null) return;
        var auth = packet.Data ?? default;
        var joined = await _connector.ConnectAsync(_session, packet.Namespace, auth);
        if (joined is null) return;
        lock (_namespaces)
        {
            if (_session.IsClosed)
            {
                joined.OnDisconnect();
                return;
            }
            _namespaces[packet.Namespace] = joined;
        }
        _connectTimeout.Dispose();
    }

    public void OnClosed(string reason)
    {
        _connectTimeout.Dispose();
        ISocketNamespace[] all;
        lock (_namespaces)
        {
            all = [.. _namespaces.Values];
            _namespaces.Clear();
        }
        foreach (var ns in all) ns.OnDisconnect();
    }

    /// <summary>The JSON of a connect_error packet's data: <c>{"message":…}</c>, with <c>data</c> when there is more to say.</summary>
    public static byte[] ErrorData(string message, object? data = null) =>
        JsonSerializer.SerializeToUtf8Bytes(new ConnectError(message, data), SocketIoJson.Options);
}

public sealed record ConnectError(string Message, object? Data);
