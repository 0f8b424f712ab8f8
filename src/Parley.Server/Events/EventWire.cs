namespace Parley.Server.Events;

/// <summary>
/// One published batch on the wire, compact and versioned: [version][node guid][sequence] then per event
/// cursor, type, conversation id, user id (null-flagged), created-at, the payload's JSON bytes, the user it
/// skips and (version 3) its lifetime in milliseconds, 0 for none. A batch without lifetimes or internal
/// messages is written as version 2, so during a rolling upgrade the nodes of the previous release miss only
/// typing starts and the internal messages they would not understand (and would hand to sockets).
/// </summary>
public static class EventWire
{
    private const byte Version = 3;
    private const byte VersionWithoutLifetimes = 2;

    public sealed record Batch(Guid Node, long Sequence, IReadOnlyList<ChatEvent> Events);

    public static byte[] Encode(Guid node, long sequence, IReadOnlyList<ChatEvent> events)
    {
        using var buffer = new MemoryStream(64 + events.Sum(e => 96 + e.Data.Length));
        using (var w = new BinaryWriter(buffer))
        {
            var version = events.Any(e => e.Lifetime is not null || e.IsInternal) ? Version : VersionWithoutLifetimes;
            w.Write(version);
            w.Write(node.ToByteArray());
            w.Write(sequence);
            w.Write7BitEncodedInt(events.Count);
            foreach (var e in events)
            {
                w.Write(e.Cursor);
                w.Write(e.Type);
                WriteNullable(w, e.ConversationId);
                WriteNullable(w, e.UserId);
                w.Write(e.CreatedAt);
                w.Write7BitEncodedInt(e.Data.Length);
                w.Write(e.Data.Span);
                WriteNullable(w, e.ExceptUserId);
                if (version == Version) w.Write7BitEncodedInt64(e.Lifetime is { } lifetime ? (long)lifetime.TotalMilliseconds : 0);
            }
        }
        return buffer.ToArray();
    }

    public static Batch Decode(byte[] message)
    {
        using var r = new BinaryReader(new MemoryStream(message, writable: false));
        var version = r.ReadByte();
        if (version is not (VersionWithoutLifetimes or Version)) throw new FormatException("Unknown event batch version");
        var node = new Guid(r.ReadBytes(16));
        var sequence = r.ReadInt64();
        var count = r.Read7BitEncodedInt();
        var events = new List<ChatEvent>(count);
        for (var i = 0; i < count; i++)
            events.Add(new ChatEvent(r.ReadInt64(), r.ReadString(), ReadNullable(r), ReadNullable(r), r.ReadInt64(), r.ReadBytes(r.Read7BitEncodedInt()))
            {
                ExceptUserId = ReadNullable(r),
                Lifetime = version == VersionWithoutLifetimes || r.Read7BitEncodedInt64() is not (> 0 and var ms) ? null : TimeSpan.FromMilliseconds(ms),
            });
        if (r.BaseStream.Position != message.Length) throw new FormatException("Trailing bytes after an event batch");
        return new Batch(node, sequence, events);
    }

    private static void WriteNullable(BinaryWriter w, string? value)
    {
        w.Write(value is not null);
        if (value is not null) w.Write(value);
    }

    private static string? ReadNullable(BinaryReader r) => r.ReadBoolean() ? r.ReadString() : null;
}
