using System.Buffers;
using System.Text.Json;
using Parley.Server.Api;
using Parley.Server.Events;

namespace Parley.Server.Realtime;

/// <summary>One outgoing frame; Cursor is its event's cursor (0 for acks, errors and ephemeral events).</summary>
public readonly record struct OutFrame(ReadOnlyMemory<byte> Bytes, long Cursor);

/// <summary>
/// Server→client frames, written with Utf8JsonWriter into a per-thread reused buffer and copied out once at
/// their exact size: an event is serialised once and the same bytes are queued for every recipient.
/// </summary>
public static class Frames
{
    [ThreadStatic] private static ArrayBufferWriter<byte>? t_buffer;
    [ThreadStatic] private static Utf8JsonWriter? t_writer;

    private static readonly JsonEncodedText Type = JsonEncodedText.Encode("type"), Cursor = JsonEncodedText.Encode("cursor"),
        Data = JsonEncodedText.Encode("data"), Id = JsonEncodedText.Encode("id"), Ok = JsonEncodedText.Encode("ok"),
        Error = JsonEncodedText.Encode("error"), AckType = JsonEncodedText.Encode("ack");

    /// <summary><c>{"type":"message:new","cursor":123,"data":{…}}</c>; ephemeral events carry no cursor.</summary>
    public static OutFrame Event(ChatEvent e) => Event(e.Type, e.Cursor, e.Data);

    /// <summary>An event frame under another name or payload (see ProfileFrames).</summary>
    public static OutFrame Event(string type, long cursor, ReadOnlyMemory<byte> data) => new(Write((type, cursor, data), static (w, e) =>
    {
        w.WriteString(Type, e.type);
        if (e.cursor > 0) w.WriteNumber(Cursor, e.cursor);
        w.WritePropertyName(Data);
        w.WriteRawValue(e.data.Span, skipInputValidation: true);
    }), cursor);

    /// <summary><c>{"type":"ack","id":…,"ok":true,"data":…}</c> or <c>ok:false</c> with the error object.</summary>
    public static OutFrame Ack(ReadOnlyMemory<byte> rawId, Outcome<object?> outcome) => new(Write((rawId, outcome), static (w, s) =>
    {
        w.WriteString(Type, AckType);
        w.WritePropertyName(Id);
        if (s.rawId.IsEmpty) w.WriteNullValue();
        else w.WriteRawValue(s.rawId.Span, skipInputValidation: true);
        w.WriteBoolean(Ok, s.outcome.Ok);
        if (s.outcome.Error is { } failure) Serialize(w, Error, failure.ToBody());
        else Serialize(w, Data, s.outcome.Value);
    }), 0);

    /// <summary><c>{"type":"error","data":{"code":…,"message":…}}</c> for a frame that is not a request.</summary>
    public static OutFrame ProblemFrame(string code, string message) => Message("error", new GatewayProblem(code, message));

    public static OutFrame Message<T>(string type, T data) => new(Write((type, data), static (w, s) =>
    {
        w.WriteString(Type, s.type);
        Serialize(w, Data, s.data);
    }), 0);

    private static void Serialize<T>(Utf8JsonWriter w, JsonEncodedText name, T value)
    {
        w.WritePropertyName(name);
        if (value is null) w.WriteNullValue();
        else JsonSerializer.Serialize(w, value, value.GetType(), JsonSetup.Default);
    }

    private static byte[] Write<TState>(TState state, Action<Utf8JsonWriter, TState> body)
    {
        var buffer = t_buffer ??= new ArrayBufferWriter<byte>(1024);
        var writer = t_writer ??= new Utf8JsonWriter(buffer, new JsonWriterOptions { SkipValidation = true });
        buffer.ResetWrittenCount();
        writer.Reset(buffer);
        writer.WriteStartObject();
        body(writer, state);
        writer.WriteEndObject();
        writer.Flush();
        var bytes = buffer.WrittenSpan.ToArray();
        // A rare huge frame should not pin its buffer to the thread forever.
        if (buffer.Capacity > 1 << 20) (t_buffer, t_writer) = (null, null);
        return bytes;
    }
}

public sealed record GatewayProblem(string Code, string Message);
