using System.Buffers;
using System.Text.Json;

namespace Parley.Server.SocketIo;

/// <summary>
/// The namespaces of protocol test mode (<c>SocketIo:ProtocolTestMode</c>), as the socket.io-protocol test suite
/// expects them: right after connect an <c>auth</c> event with the handshake's auth payload; <c>message</c> answered
/// with <c>message-back</c> and the same arguments (attachments included); <c>message-with-ack</c> acknowledged with them.
/// </summary>
public sealed class EchoNamespace(EngineSession session, string ns) : ISocketNamespace
{
    public static ISocketNamespace Connect(EngineSession session, string ns, JsonElement auth)
    {
        var authJson = auth.ValueKind == JsonValueKind.Object ? JsonSerializer.SerializeToUtf8Bytes(auth) : "{}"u8.ToArray();
        session.Send(NamespaceConnector.Connected(ns, Guid.NewGuid().ToString("N"), null), SocketCodec.Event(ns, "auth", authJson));
        return new EchoNamespace(session, ns);
    }

    public ValueTask OnEventAsync(SocketPacket packet, IReadOnlyList<ReadOnlyMemory<byte>> attachments)
    {
        var args = packet.Data!.Value;
        var name = args[0].GetString();
        EngineFrame head;
        if (name == "message")
            head = SocketCodec.Encode(attachments.Count > 0 ? SocketType.BinaryEvent : SocketType.Event, ns, null, Arguments(args, "message-back"), attachments.Count);
        else if (name == "message-with-ack" && packet.AckId is { } id)
            head = SocketCodec.Encode(attachments.Count > 0 ? SocketType.BinaryAck : SocketType.Ack, ns, id, Arguments(args, null), attachments.Count);
        else return ValueTask.CompletedTask;
        var frames = new EngineFrame[1 + attachments.Count];
        frames[0] = head;
        for (var i = 0; i < attachments.Count; i++) frames[i + 1] = new EngineFrame(attachments[i], Binary: true);
        session.Send(frames);
        return ValueTask.CompletedTask;
    }

    /// <summary>The event's arguments after its name, as a JSON array, with <paramref name="name"/> in front when given.</summary>
    private static byte[] Arguments(JsonElement args, string? name)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartArray();
            if (name is not null) writer.WriteStringValue(name);
            foreach (var arg in args.EnumerateArray().Skip(1)) arg.WriteTo(writer);
            writer.WriteEndArray();
        }
        return buffer.WrittenSpan.ToArray();
    }

    public void OnDisconnect() { }
}
