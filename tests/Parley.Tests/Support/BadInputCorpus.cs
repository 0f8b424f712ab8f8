using System.Text;
using System.Text.Json;

namespace Parley.Tests.Support;

/// <summary>One route of the OpenAPI document: its method and path template ("/api/conversations/{id}/members/{userId}").</summary>
public sealed record ApiRoute(string Method, string Template)
{
    public IEnumerable<string> Parameters =>
        Template.Split('/').Where(s => s.StartsWith('{') && s.EndsWith('}')).Select(s => s[1..^1].Split(':')[0]);

    public bool TakesBody => Method is "POST" or "PUT" or "PATCH" or "DELETE";

    /// <summary>The path with each parameter replaced.</summary>
    public string Fill(Func<string, string> value) => string.Join('/', Template.Split('/').Select(s =>
        s.StartsWith('{') && s.EndsWith('}') ? value(s[1..^1].Split(':')[0]) : s));

    /// <summary>Every route of the app's OpenAPI document under /api: new routes join the corpus by being mapped.</summary>
    public static async Task<List<ApiRoute>> FromOpenApiAsync(HttpClient http)
    {
        using var document = JsonDocument.Parse(await http.GetStringAsync("/openapi/v1.json"));
        var routes = new List<ApiRoute>();
        foreach (var path in document.RootElement.GetProperty("paths").EnumerateObject())
        {
            if (!path.Name.StartsWith("/api/", StringComparison.Ordinal)) continue;
            foreach (var operation in path.Value.EnumerateObject())
                if (operation.Name is "get" or "post" or "put" or "patch" or "delete")
                    routes.Add(new ApiRoute(operation.Name.ToUpperInvariant(), path.Name));
        }
        return routes;
    }
}

/// <summary>
/// What a hostile client sends: bodies that are not JSON, not text, of the wrong shape, too deep or too big; ids that are
/// not ids; query values that overflow. Field names are the ones Parley's requests use, in both casings.
/// </summary>
public static class BadInputCorpus
{
    public static readonly string[] Fields =
    [
        "content", "name", "username", "email", "password", "status", "type", "description", "role", "token", "since", "limit",
        "conversationId", "conversation_id", "participantIds", "participant_ids", "userId", "user_id", "messageId", "message_id",
        "payload", "clientMessageId", "client_message_id", "display_name", "seq", "upToSeq", "up_to_seq",
    ];

    private static readonly string[] WrongValues =
        ["[]", "{}", "true", "1e400", "123456789012345678901234567890", "-9223372036854775809", "\"\\ud800\"", "\"a\\u0000b\"", "\"\\udfff\\ud800\""];

    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    /// <summary>Raw request bodies, each to be sent as application/json.</summary>
    public static IEnumerable<byte[]> Bodies()
    {
        yield return Utf8("{");
        yield return Utf8("{\"content\":");
        yield return Utf8("[1,2]");
        yield return Utf8("\"text\"");
        yield return Utf8("{\"a\":1} {\"b\":2}");
        yield return Utf8("{\"name\":\"a\",\"name\":\"b\"}");
        yield return [(byte)'{', (byte)'"', 0xFF, 0xFE, (byte)'"', (byte)':', (byte)'1', (byte)'}'];
        yield return Utf8("{\"\\ud800\":1}");
        yield return Utf8("{\"\\ud800_x\":1}");
        yield return Utf8("{\"a\\u0000\":1}");
        yield return Utf8(new string('[', 5000) + new string(']', 5000));
        yield return Utf8(string.Concat(Enumerable.Repeat("{\"a\":", 200)) + "1" + new string('}', 200));
        foreach (var field in Fields)
        {
            yield return [.. Utf8($"{{\"{field}\":\""), 0xFF, 0xC0, 0xED, 0xA0, 0x80, .. Utf8("\"}")];
            foreach (var value in WrongValues) yield return Utf8($"{{\"{field}\":{value}}}");
        }
        yield return Utf8("{\"payload\":{\"deep\":\"\\ud800\"}}");
        yield return Utf8("{\"participant_ids\":[\"\\ud800\"]}");
    }

    /// <summary>Larger than Limits__MaxRequestBodyBytes (1 MiB): a 413 wherever the body is read.</summary>
    public static byte[] Oversized() => Utf8("{\"content\":\"" + new string('x', (1 << 20) + 1024) + "\"}");

    /// <summary>Path values that are not ids, already percent-encoded as they go on the wire.</summary>
    public static readonly string[] BadIds =
    [
        "%2e%2e", "%2E%2E", "%2e", ".", "..", ".%2e", "not-a-uuid", "%ff", "%ed%a0%80", "%c0%af", "%00", "%01", "%e2%80%ae",
        "'%20OR%201=1--", "00000000-0000-0000-0000-000000000000", "0192F1E4-7C3A-7D2E-9A4B-2F6C8E1D5A30", "%7b%7d",
        new string('a', 300), new string('9', 20_000),
    ];

    /// <summary>Query strings every GET route gets (paging, cursors, search).</summary>
    public static readonly string[] Queries =
    [
        "page=21474838&limit=100", "page=2147483647&limit=100", "page=99999999999999999999", "page=-1", "page=0", "page=abc",
        "limit=0", "limit=-5", "limit=1e3", "after=9223372036854775807", "after=9223372036854775808", "after=-1", "before=0",
        "before=9223372036854775807", "since=-1", "since=9223372036854775807", "since=abc", "search=%00", "q=%00", "search=%ff%fe",
        "search=%ed%a0%80", "search=%25%5f%5c", "type=%00", "unreadOnly=%00", "page=1&page=2", "search=" + new string('x', 4000),
    ];

    /// <summary>Socket request data for a request type, as frame text (all ASCII: escapes carry the bad text).</summary>
    public static IEnumerable<string> Frames(string type)
    {
        var t = JsonSerializer.Serialize(type);
        foreach (var data in new[] { "[]", "\"x\"", "12", "true", "{\"\\ud800\":1}", "{\"a\\u0000\":1}", new string('[', 100) + new string(']', 100) })
            yield return $"{{\"type\":{t},\"id\":\"f\",\"data\":{data}}}";
        foreach (var field in Fields)
            foreach (var value in WrongValues)
                yield return $"{{\"type\":{t},\"id\":\"f\",\"data\":{{\"{field}\":{value}}}}}";
        yield return $"{{\"type\":{t},\"id\":\"f\",\"data\":{{\"payload\":{{\"x\":\"\\ud800\"}}}}}}";
        yield return $"{{\"type\":{t},\"id\":[1],\"data\":{{}}}}";
        yield return $"{{\"type\":{t},\"id\":\"\\ud800\",\"data\":{{}}}}";
    }

    /// <summary>Frames that are not requests at all.</summary>
    public static readonly string[] BrokenFrames =
    [
        "{", "[]", "\"auth\"", "{\"type\":\"\\ud800\",\"id\":\"a\"}", "{\"type\":\"\\ud800\\udc00x\",\"id\":\"a\"}", "{\"type\":12}",
        "{\"type\":\"ping\",\"type\":\"ping\"}", "{\"type\":\"ping\",\"id\":\"a\\u0000\"}", new string('{', 2000),
    ];
}
