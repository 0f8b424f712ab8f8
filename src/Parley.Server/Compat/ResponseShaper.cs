using System.Text.Json;

namespace Parley.Server.Compat;

/// <summary>
/// A REST answer (DESIGN.md's envelope) in a profile's dialect. seed-001 keeps the envelope with <c>error</c> as a
/// string; seed-000 (a FastAPI codebase) answers the bare data and errors as <c>{"detail": …}</c>; seed-004 answers
/// the bare data and errors as <c>{"error": {"message", "status"}}</c>.
/// </summary>
public static class ResponseShaper
{
    /// <summary>The shaped body and the status to answer with.</summary>
    public static (byte[] Body, int Status) Shape(ReadOnlyMemory<byte> body, CompatProfile profile, RouteRule rule, int status)
    {
        using var document = JsonDocument.Parse(body);
        var root = document.RootElement;
        var shaped = JsonShaper.Render((root, profile, rule), static (w, s) => WriteAnswer(w, s.root, s.profile, s.rule));
        return (shaped, IsEnvelope(root) && Success(root) ? RouteRules.StatusOf(rule, status) : status);
    }

    private static void WriteAnswer(Utf8JsonWriter w, JsonElement root, CompatProfile profile, RouteRule rule)
    {
        if (!IsEnvelope(root))
        {
            JsonShaper.Write(w, root, profile);
            return;
        }
        if (!Success(root))
        {
            WriteError(w, root, profile);
            return;
        }
        var data = root.TryGetProperty("data", out var d) ? d : default;
        if (rule != RouteRule.None)
        {
            RouteRules.Write(w, rule, data);
            return;
        }
        if (profile != CompatProfile.Seed001)
        {
            WriteData(w, data, profile);
            return;
        }
        w.WriteStartObject();
        foreach (var p in root.EnumerateObject())
        {
            w.WritePropertyName(p.Name);
            if (p.NameEquals("data")) WriteData(w, p.Value, profile);
            else p.Value.WriteTo(w);
        }
        w.WriteEndObject();
    }

    private static void WriteData(Utf8JsonWriter w, JsonElement data, CompatProfile profile)
    {
        if (data.ValueKind == JsonValueKind.Undefined) w.WriteNullValue();
        else JsonShaper.Write(w, data, profile);
    }

    private static void WriteError(Utf8JsonWriter w, JsonElement root, CompatProfile profile)
    {
        var error = root.TryGetProperty("error", out var e) && e.ValueKind == JsonValueKind.Object ? e : default;
        var message = error.ValueKind == JsonValueKind.Object && error.TryGetProperty("message", out var m) ? m.GetString()
            : root.TryGetProperty("message", out var top) ? top.GetString() : "Error";
        var status = root.TryGetProperty("statusCode", out var code) && code.TryGetInt32(out var n) ? n : 500;
        w.WriteStartObject();
        switch (profile)
        {
            case CompatProfile.Seed001:
                w.WriteBoolean("success", false);
                w.WriteNumber("statusCode", status);
                w.WriteString("message", message);
                w.WriteString("error", Describe(message, error));
                break;
            case CompatProfile.Seed000:
                w.WriteString("detail", Describe(message, error));
                break;
            default:
                w.WriteStartObject("error");
                w.WriteString("message", message);
                w.WriteNumber("status", status);
                w.WriteEndObject();
                break;
        }
        w.WriteEndObject();
    }

    /// <summary>An error object <c>{code, message, status, details}</c> as the value the profile's clients read.</summary>
    public static void WriteErrorValue(Utf8JsonWriter w, JsonElement error, CompatProfile profile)
    {
        var message = error.TryGetProperty("message", out var m) ? m.GetString() : null;
        if (profile != CompatProfile.Seed004)
        {
            w.WriteStringValue(Describe(message, error));
            return;
        }
        w.WriteStartObject();
        w.WriteString("message", message);
        w.WriteNumber("status", error.TryGetProperty("status", out var s) && s.TryGetInt32(out var n) ? n : 500);
        w.WriteEndObject();
    }

    /// <summary>The message, with each invalid field's problems when there are any ("Validation failed: name — name: Required").</summary>
    private static string? Describe(string? message, JsonElement error)
    {
        if (error.ValueKind != JsonValueKind.Object || !error.TryGetProperty("details", out var details) || details.ValueKind != JsonValueKind.Object)
            return message;
        var fields = details.EnumerateObject()
            .Where(f => f.Value.ValueKind == JsonValueKind.Array)
            .Select(f => $"{f.Name}: {string.Join(" ", f.Value.EnumerateArray().Where(x => x.ValueKind == JsonValueKind.String).Select(x => x.GetString()))}")
            .ToList();
        return fields.Count == 0 ? message : $"{message} ({string.Join("; ", fields)})";
    }

    private static bool IsEnvelope(JsonElement root) =>
        root.ValueKind == JsonValueKind.Object && root.TryGetProperty("success", out var s) && s.ValueKind is JsonValueKind.True or JsonValueKind.False
        && root.TryGetProperty("statusCode", out _);

    private static bool Success(JsonElement root) => root.GetProperty("success").GetBoolean();
}
