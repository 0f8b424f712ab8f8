using System.Buffers;
using System.Text;
using System.Text.Json;

namespace Parley.Server.SocketIo;

/// <summary>Socket.IO v5 packet types (socket.io-protocol, "Packet types").</summary>
public static class SocketType
{
    public const int Connect = 0, Disconnect = 1, Event = 2, Ack = 3, ConnectError = 4, BinaryEvent = 5, BinaryAck = 6;
}

/// <summary>A decoded Socket.IO packet; Data is its JSON (an object for a connect, an array for an event or ack).</summary>
public sealed record SocketPacket(int Type, string Namespace, long? AckId, int Attachments, JsonElement? Data)
{
    public bool IsEvent => Type is SocketType.Event or SocketType.BinaryEvent;
}

/// <summary>
/// Socket.IO v5 packets, carried in Engine.IO message packets:
/// <c>&lt;type&gt;[&lt;attachments&gt;-][&lt;namespace&gt;,][&lt;ack id&gt;][&lt;JSON&gt;]</c>.
/// Decoding is strict: whatever the protocol does not allow is malformed and closes the session.
/// </summary>
public static class SocketCodec
{
    public const int MaxAttachments = 10;
    private static readonly string[] ReservedEvents = ["connect", "connect_error", "disconnect", "disconnecting", "newListener", "removeListener"];

    public static bool TryDecode(ReadOnlySpan<byte> text, out SocketPacket? packet)
    {
        packet = null;
        if (text.IsEmpty || text[0] is < (byte)'0' or > (byte)'6') return false;
        var type = text[0] - '0';
        var i = 1;
        var attachments = 0;
        if (type is SocketType.BinaryEvent or SocketType.BinaryAck)
        {
            var digits = ReadDigits(text, ref i, out var count);
            if (digits is 0 or > 2 || i >= text.Length || text[i] != '-' || count is < 1 or > MaxAttachments) return false;
            (attachments, i) = ((int)count, i + 1);
        }
        var ns = "/";
        if (i < text.Length && text[i] == '/')
        {
            var comma = text[i..].IndexOf((byte)',');
            var end = comma < 0 ? text.Length : i + comma;
            ns = Encoding.UTF8.GetString(text[i..end]);
            i = comma < 0 ? end : end + 1;
        }
        long? ackId = null;
        var idDigits = ReadDigits(text, ref i, out var id);
        if (idDigits > 15) return false;
        if (idDigits > 0) ackId = id;
        JsonElement? data = null;
        if (i < text.Length)
        {
            try
            {
                var reader = new Utf8JsonReader(text[i..]);
                using var document = JsonDocument.ParseValue(ref reader);
                if (reader.BytesConsumed != text.Length - i) return false;
                data = document.RootElement.Clone();
            }
            catch (JsonException) { return false; }
        }
        if (!IsValid(type, ackId, data)) return false;
        packet = new SocketPacket(type, ns, ackId, attachments, data);
        return true;
    }

    private static int ReadDigits(ReadOnlySpan<byte> text, ref int i, out long value)
    {
        var start = i;
        value = 0;
        while (i < text.Length && text[i] is >= (byte)'0' and <= (byte)'9' && i - start < 16) value = value * 10 + (text[i++] - '0');
        return i - start;
    }

    private static bool IsValid(int type, long? ackId, JsonElement? data) => type switch
    {
        SocketType.Connect => ackId is null && data is null or { ValueKind: JsonValueKind.Object },
        SocketType.Disconnect => ackId is null && data is null,
        SocketType.Event or SocketType.BinaryEvent => data is { ValueKind: JsonValueKind.Array } d && d.GetArrayLength() > 0
            && d[0] is { ValueKind: JsonValueKind.String } name && !ReservedEvents.Contains(name.GetString()),
        SocketType.Ack or SocketType.BinaryAck => ackId is not null && data is { ValueKind: JsonValueKind.Array },
        _ => false,
    };

    /// <summary>An Engine.IO message frame (<c>4</c> + the Socket.IO packet) with <paramref name="json"/> as its data.</summary>
    public static EngineFrame Encode(int type, string ns, long? ackId, ReadOnlySpan<byte> json, int attachments = 0)
    {
        var buffer = new ArrayBufferWriter<byte>(16 + ns.Length + json.Length);
        WriteHead(buffer, type, ns, ackId, attachments);
        buffer.Write(json);
        return EngineFrame.Text(buffer.WrittenMemory);
    }

    /// <summary><c>42[&lt;ns&gt;,]["name",data,…,"offset"]</c>: an event with its arguments (each already JSON) and, when set, the recovery offset last.</summary>
    public static EngineFrame Event(string ns, string name, ReadOnlySpan<byte> data, string? offset = null, long? ackId = null)
    {
        var buffer = new ArrayBufferWriter<byte>(32 + name.Length + data.Length);
        WriteHead(buffer, SocketType.Event, ns, ackId, 0);
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { SkipValidation = true }))
        {
            writer.WriteStartArray();
            writer.WriteStringValue(name);
            if (!data.IsEmpty) writer.WriteRawValue(data, skipInputValidation: true);
            if (offset is not null) writer.WriteStringValue(offset);
            writer.WriteEndArray();
        }
        return EngineFrame.Text(buffer.WrittenMemory);
    }

    private static void WriteHead(ArrayBufferWriter<byte> buffer, int type, string ns, long? ackId, int attachments)
    {
        buffer.Write([EngineType.Message, (byte)('0' + type)]);
        if (attachments > 0) buffer.Write(Encoding.ASCII.GetBytes($"{attachments}-"));
        if (ns != "/") buffer.Write(Encoding.UTF8.GetBytes(ns + ","));
        if (ackId is { } id) buffer.Write(Encoding.ASCII.GetBytes(id.ToString(System.Globalization.CultureInfo.InvariantCulture)));
    }
}
