using System.Text.Json;

namespace Parley.Server.Compat;

/// <summary>Routes whose meaning a profile changes, beyond field names.</summary>
public enum RouteRule { None, ConversationMessages, SentMessage }

/// <summary>
/// Where the seeds disagree on what a route does. Under seed-004, <c>GET /api/conversations/{id}</c> is that
/// conversation's messages (the request goes on to <c>/api/conversations/{id}/messages</c>) and <c>POST /api/messages/</c>
/// answers 200 with <c>{message_id, message, timestamp}</c>; every other profile keeps Parley's meaning.
/// </summary>
public static class RouteRules
{
    private const int SeedPageSize = 100;

    /// <summary>The rule for this request, with its path rewritten where the rule sends it elsewhere (runs before routing).</summary>
    public static RouteRule Apply(HttpRequest request, CompatProfile profile)
    {
        if (profile != CompatProfile.Seed004) return RouteRule.None;
        var path = request.Path.Value?.TrimEnd('/') ?? "";
        if (HttpMethods.IsPost(request.Method) && path.Equals("/api/messages", StringComparison.OrdinalIgnoreCase)) return RouteRule.SentMessage;
        if (!HttpMethods.IsGet(request.Method) || !path.StartsWith("/api/conversations/", StringComparison.OrdinalIgnoreCase)) return RouteRule.None;
        var id = path["/api/conversations/".Length..];
        if (id.Length == 0 || id.Contains('/')) return RouteRule.None;
        request.Path = $"/api/conversations/{id}/messages";
        // "Retrieves all messages": the newest page at its largest, unless the client asks for a page.
        if (!request.Query.ContainsKey("limit")) request.QueryString = request.QueryString.Add("limit", SeedPageSize.ToString());
        return RouteRule.ConversationMessages;
    }

    /// <summary>The status of a successful answer under the rule (seed 004 shows 200 for a sent message).</summary>
    public static int StatusOf(RouteRule rule, int status) => rule == RouteRule.SentMessage ? StatusCodes.Status200OK : status;

    /// <summary>Writes a successful answer's data the rule's way.</summary>
    public static void Write(Utf8JsonWriter w, RouteRule rule, JsonElement data)
    {
        switch (rule)
        {
            case RouteRule.ConversationMessages:
                w.WriteStartArray();
                foreach (var m in data.GetProperty("messages").EnumerateArray())
                {
                    w.WriteStartObject();
                    w.WriteString("sender_id", m.GetProperty("senderId").GetString());
                    Copy(w, "message", m, "message");
                    Copy(w, "timestamp", m, "timestamp");
                    w.WriteEndObject();
                }
                w.WriteEndArray();
                return;
            case RouteRule.SentMessage:
                w.WriteStartObject();
                Copy(w, "message_id", data, "id");
                Copy(w, "message", data, "message");
                Copy(w, "timestamp", data, "timestamp");
                w.WriteEndObject();
                return;
            default:
                throw new ArgumentOutOfRangeException(nameof(rule));
        }
    }

    private static void Copy(Utf8JsonWriter w, string name, JsonElement from, string field)
    {
        w.WritePropertyName(name);
        if (from.TryGetProperty(field, out var value)) value.WriteTo(w);
        else w.WriteNullValue();
    }
}
