using System.Buffers;
using System.Buffers.Text;

namespace Parley.Server.SocketIo;

/// <summary>Engine.IO v4 packet types: the first character of a text packet.</summary>
public static class EngineType
{
    public const byte Open = (byte)'0', Close = (byte)'1', Ping = (byte)'2', Pong = (byte)'3', Message = (byte)'4', Upgrade = (byte)'5', Noop = (byte)'6';
}

/// <summary>
/// An outgoing Engine.IO packet as it goes on a WebSocket: a text packet with its type character in front
/// (<c>4…</c>), or the raw bytes of a binary message.
/// </summary>
public readonly record struct EngineFrame(ReadOnlyMemory<byte> Bytes, bool Binary)
{
    public static readonly EngineFrame Ping = Text("2"u8.ToArray()), Pong = Text("3"u8.ToArray()), Noop = Text("6"u8.ToArray()),
        Close = Text("1"u8.ToArray()), ProbeAnswer = Text("3probe"u8.ToArray());

    public static EngineFrame Text(ReadOnlyMemory<byte> bytes) => new(bytes, false);
}

/// <summary>A received Engine.IO packet: its type and what follows it (text as UTF-8), or a binary message.</summary>
public readonly record struct EnginePacket(byte Type, ReadOnlyMemory<byte> Data, bool Binary);

/// <summary>
/// Engine.IO v4 encoding (engine.io-protocol, "Packet encoding"): over HTTP long-polling a payload is its packets
/// joined by the record separator 0x1E, a binary packet written as <c>b</c> + base64; over a WebSocket each frame
/// is one packet, binary messages travel as binary frames.
/// </summary>
public static class EngineCodec
{
    public const byte Separator = 0x1E;

    /// <summary>A WebSocket text frame or one part of a payload: a known type character, then its data.</summary>
    public static bool TryParseText(ReadOnlyMemory<byte> text, out EnginePacket packet)
    {
        packet = default;
        if (text.IsEmpty) return false;
        var type = text.Span[0];
        if (type is < EngineType.Open or > EngineType.Noop) return false;
        packet = new EnginePacket(type, text[1..], false);
        return true;
    }

    /// <summary>Splits a long-polling request body; false when any part is malformed.</summary>
    public static bool TryDecodePayload(ReadOnlyMemory<byte> body, List<EnginePacket> packets)
    {
        while (true)
        {
            var end = body.Span.IndexOf(Separator);
            var part = end < 0 ? body : body[..end];
            if (part.Span is [(byte)'b', ..])
            {
                var decoded = new byte[Base64.GetMaxDecodedFromUtf8Length(part.Length - 1)];
                if (Base64.DecodeFromUtf8(part.Span[1..], decoded, out _, out var written) != OperationStatus.Done) return false;
                packets.Add(new EnginePacket(EngineType.Message, decoded.AsMemory(0, written), true));
            }
            else if (TryParseText(part, out var packet)) packets.Add(packet);
            else return false;
            if (end < 0) return true;
            body = body[(end + 1)..];
        }
    }

    /// <summary>The body of a long-polling response carrying <paramref name="frames"/>.</summary>
    public static byte[] EncodePayload(IReadOnlyList<EngineFrame> frames)
    {
        var length = Math.Max(0, frames.Count - 1);
        foreach (var frame in frames) length += frame.Binary ? 1 + Base64.GetMaxEncodedToUtf8Length(frame.Bytes.Length) : frame.Bytes.Length;
        var body = new byte[length];
        var at = 0;
        for (var i = 0; i < frames.Count; i++)
        {
            if (i > 0) body[at++] = Separator;
            var frame = frames[i];
            if (frame.Binary)
            {
                body[at++] = (byte)'b';
                Base64.EncodeToUtf8(frame.Bytes.Span, body.AsSpan(at), out _, out var written);
                at += written;
            }
            else
            {
                frame.Bytes.Span.CopyTo(body.AsSpan(at));
                at += frame.Bytes.Length;
            }
        }
        return body;
    }
}
