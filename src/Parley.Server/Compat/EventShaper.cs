using System.Text.Json;

namespace Parley.Server.Compat;

/// <summary>A server event as one profile's client expects it: its name and its payload's JSON.</summary>
public readonly record struct ShapedEvent(string Name, ReadOnlyMemory<byte> Payload);

/// <summary>
/// The hook every socket transport calls to shape a server event for its socket's profile. <see cref="CompatProfile.Parley"/>
/// is the identity (same name, same bytes, nothing allocated); the others parse and rewrite the payload, so callers
/// shape an event once per fan-out per profile and hand the result to every socket of that profile.
/// </summary>
public static class EventShaper
{
    public static ShapedEvent Shape(CompatProfile profile, string eventName, ReadOnlyMemory<byte> payloadUtf8)
    {
        if (profile == CompatProfile.Parley) return new(eventName, payloadUtf8);
        return new(Name(profile, eventName), Payload(profile, payloadUtf8));
    }

    /// <summary>
    /// seed-000's socket client (a Python codebase's websocket manager) listens for new_message, typing and message_read;
    /// the other events follow the same pattern (member:added → member_added, conversation:new → new_conversation).
    /// The other profiles keep seed 003's names.
    /// </summary>
    public static string Name(CompatProfile profile, string eventName) => profile != CompatProfile.Seed000 ? eventName : eventName switch
    {
        "message:new" => "new_message",
        "message:read" => "message_read",
        "message:updated" => "message_updated",
        "message:deleted" => "message_deleted",
        "message:delta" => "message_delta",
        "conversation:new" => "new_conversation",
        "conversation:updated" => "conversation_updated",
        "conversation:deleted" => "conversation_deleted",
        "notification:new" => "new_notification",
        _ when eventName.EndsWith(":new", StringComparison.Ordinal) => "new_" + eventName[..^4].Replace(':', '_'),
        _ => eventName.Replace(':', '_'),
    };

    /// <summary>
    /// A request's answer on a socket, <c>{"ok":true,"data":…}</c> or <c>{"ok":false,"error":{code, message, status, details}}</c>,
    /// in the profile's dialect: the data shaped as an event payload is, the error as the profile's REST errors say it
    /// (seed-001 and seed-000 a string, seed-004 <c>{message, status}</c>). The identity under parley.
    /// </summary>
    public static ReadOnlyMemory<byte> Ack(CompatProfile profile, ReadOnlyMemory<byte> ackUtf8)
    {
        if (profile == CompatProfile.Parley) return ackUtf8;
        using var document = JsonDocument.Parse(ackUtf8);
        return JsonShaper.Render((document.RootElement, profile), static (w, s) =>
        {
            if (s.Item1.ValueKind != JsonValueKind.Object)
            {
                JsonShaper.Write(w, s.Item1, s.profile);
                return;
            }
            w.WriteStartObject();
            foreach (var p in s.Item1.EnumerateObject())
            {
                w.WritePropertyName(p.Name);
                if (p.NameEquals("error") && p.Value.ValueKind == JsonValueKind.Object) ResponseShaper.WriteErrorValue(w, p.Value, s.profile);
                else if (p.NameEquals("data")) JsonShaper.Write(w, p.Value, s.profile);
                else p.Value.WriteTo(w);
            }
            w.WriteEndObject();
        });
    }

    public static byte[] Payload(CompatProfile profile, ReadOnlyMemory<byte> payloadUtf8)
    {
        using var document = JsonDocument.Parse(payloadUtf8);
        return JsonShaper.Render((document.RootElement, profile), static (w, s) => JsonShaper.Write(w, s.Item1, s.profile));
    }
}
