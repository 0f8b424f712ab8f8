using System.Buffers;
using System.Collections.Concurrent;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Parley.Server.Compat;

/// <summary>
/// Rewrites Parley's JSON (a REST answer's data, an event's payload) into a profile's dialect, one property at a time:
/// seed-000 snake_case (a conversation's picture as group_picture); seed-001 <c>_id</c>, a populated <c>senderId</c>
/// and direct conversations as <c>1on1</c>; seed-004 snake_case with each id named by its entity (user_id, message_id,
/// conversation_id). What clients wrote themselves (a message's payload, a notification's data) is copied as it is.
/// </summary>
public static class JsonShaper
{
    private enum Entity { Other, User, Message, Conversation, Notification, Event }

    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, SkipValidation = true };

    /// <summary>The JSON that <paramref name="write"/> produces, at its exact size.</summary>
    public static byte[] Render<TState>(TState state, Action<Utf8JsonWriter, TState> write)
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions)) write(writer, state);
        return buffer.WrittenSpan.ToArray();
    }

    public static void Write(Utf8JsonWriter w, JsonElement value, CompatProfile profile)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Object:
                WriteObject(w, value, profile);
                break;
            case JsonValueKind.Array:
                w.WriteStartArray();
                foreach (var item in value.EnumerateArray()) Write(w, item, profile);
                w.WriteEndArray();
                break;
            default:
                value.WriteTo(w);
                break;
        }
    }

    private static void WriteObject(Utf8JsonWriter w, JsonElement o, CompatProfile profile)
    {
        var entity = EntityOf(o);
        if (entity == Entity.Event)
        {
            WriteEvent(w, o, profile);
            return;
        }
        var (idName, sameAsId) = IdOf(entity, profile);
        // Under seed-004 a member's id and userId are both user_id: write it once.
        var skipId = sameAsId is not null && o.TryGetProperty(sameAsId, out _);
        w.WriteStartObject();
        foreach (var p in o.EnumerateObject())
        {
            if (p.NameEquals("id"))
            {
                if (skipId) continue;
                w.WritePropertyName(idName);
                p.Value.WriteTo(w);
                continue;
            }
            if (profile == CompatProfile.Seed001 && WroteSeed001(w, o, p, entity)) continue;
            w.WritePropertyName(Rename(p.Name, entity, profile));
            if (p.NameEquals("payload") || p.NameEquals("data")) p.Value.WriteTo(w);
            else Write(w, p.Value, profile);
        }
        w.WriteEndObject();
    }

    /// <summary>seed 001's own shapes: senderId populated with the sender, a direct conversation's type as "1on1".</summary>
    private static bool WroteSeed001(Utf8JsonWriter w, JsonElement o, JsonProperty p, Entity entity)
    {
        if (entity == Entity.Message && o.TryGetProperty("sender", out var sender) && sender.ValueKind == JsonValueKind.Object)
        {
            if (p.NameEquals("sender")) return true;
            if (p.NameEquals("senderId"))
            {
                w.WritePropertyName("senderId");
                WriteObject(w, sender, CompatProfile.Seed001);
                return true;
            }
        }
        if (entity == Entity.Conversation && p.NameEquals("type") && p.Value.ValueEquals("direct"))
        {
            w.WriteString("type", "1on1");
            return true;
        }
        return false;
    }

    /// <summary>A stored event as <c>GET /api/sync</c> lists it: named and shaped as the profile's sockets get it.</summary>
    private static void WriteEvent(Utf8JsonWriter w, JsonElement e, CompatProfile profile)
    {
        w.WriteStartObject();
        foreach (var p in e.EnumerateObject())
        {
            w.WritePropertyName(p.Name);
            if (p.NameEquals("type")) w.WriteStringValue(EventShaper.Name(profile, p.Value.GetString() ?? ""));
            else if (p.NameEquals("data")) Write(w, p.Value, profile);
            else p.Value.WriteTo(w);
        }
        w.WriteEndObject();
    }

    /// <summary>What an object is, from the fields only that kind has.</summary>
    private static Entity EntityOf(JsonElement o) =>
        o.TryGetProperty("cursor", out _) && o.TryGetProperty("type", out _) && o.TryGetProperty("data", out _) ? Entity.Event
        : o.TryGetProperty("username", out _) ? Entity.User
        : o.TryGetProperty("seq", out _) ? Entity.Message
        : o.TryGetProperty("lastSeq", out _) || o.TryGetProperty("members", out _) ? Entity.Conversation
        : o.TryGetProperty("readAt", out _) ? Entity.Notification
        : Entity.Other;

    /// <summary>The name <c>id</c> takes, and the Parley field that holds the same value under that name (written instead).</summary>
    private static (string Name, string? SameAs) IdOf(Entity entity, CompatProfile profile) => profile switch
    {
        CompatProfile.Seed001 => ("_id", null),
        CompatProfile.Seed004 => entity switch
        {
            Entity.User => ("user_id", "userId"),
            Entity.Message => ("message_id", "messageId"),
            Entity.Conversation => ("conversation_id", "conversationId"),
            Entity.Notification => ("notification_id", "notificationId"),
            _ => ("id", null),
        },
        _ => ("id", null),
    };

    private static string Rename(string name, Entity entity, CompatProfile profile) => profile switch
    {
        CompatProfile.Seed000 when entity == Entity.Conversation && name == "picture" => "group_picture",
        CompatProfile.Seed000 or CompatProfile.Seed004 => SnakeCase(name),
        _ => name,
    };

    private static readonly ConcurrentDictionary<string, string> SnakeNames = new(StringComparer.Ordinal);

    /// <summary>camelCase → snake_case, remembered (Parley's field names are a small fixed set).</summary>
    public static string SnakeCase(string name)
    {
        if (SnakeNames.TryGetValue(name, out var snake)) return snake;
        snake = JsonNamingPolicy.SnakeCaseLower.ConvertName(name);
        if (SnakeNames.Count < 4096) SnakeNames[name] = snake;
        return snake;
    }
}
