using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;

namespace Parley.Tests.Support;

/// <summary>The gateway's AsyncAPI document as a client reads it: each message's payload schema, ready to check frames against.</summary>
public sealed class AsyncApiSpec
{
    private readonly Dictionary<string, JsonSchema> _schemas = [];
    private readonly string _id = Guid.NewGuid().ToString("N");

    private AsyncApiSpec(JsonObject document) => Document = document;

    public JsonObject Document { get; }

    public JsonObject Messages => Document["components"]!["messages"]!.AsObject();

    public JsonObject Schemas => Document["components"]!["schemas"]!.AsObject();

    /// <summary>Fetched anonymously, as any client or tool would.</summary>
    public static async Task<AsyncApiSpec> FetchAsync(INode app)
    {
        using var response = await app.Http().GetAsync("/asyncapi.json");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        return new AsyncApiSpec(JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject());
    }

    /// <summary>The message key of an event or request type, as the document spells it (<c>message:new</c>: <c>message.new</c>).</summary>
    public static string Key(string type) => string.Concat(type.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' ? c : '.'));

    /// <summary>The message a frame from the server is: the gateway's own frames by name, events under <c>event.</c>.</summary>
    public static string MessageOf(JsonElement frame) =>
        frame.Str("type") is var type && type is "ready" or "ack" or "error" ? type : "event." + Key(type);

    /// <summary>Why <paramref name="frame"/> does not match the payload of <paramref name="message"/> (none when it does).</summary>
    public List<string> Problems(string message, JsonElement frame)
    {
        if (!Messages.ContainsKey(message)) return [$"the document has no message '{message}'"];
        var result = Schema(message).Evaluate(frame, new EvaluationOptions { OutputFormat = OutputFormat.List });
        if (result.IsValid) return [];
        return [.. (result.Details ?? [result]).Where(d => d.Errors is not null)
            .SelectMany(d => d.Errors!.Select(e => $"{message} at '{d.InstanceLocation}' ({d.EvaluationPath}): {e.Key}: {e.Value}"))];
    }

    /// <summary>The payload with the document's schemas under $defs: a standalone schema whose references resolve.</summary>
    private JsonSchema Schema(string message)
    {
        if (_schemas.TryGetValue(message, out var cached)) return cached;
        var payload = Messages[message]!["payload"]!.DeepClone().AsObject();
        payload["$defs"] = Schemas.DeepClone();
        var text = payload.ToJsonString().Replace("#/components/schemas/", "#/$defs/", StringComparison.Ordinal);
        return _schemas[message] = JsonSchema.FromText(text, baseUri: new Uri($"urn:parley:{_id}:{message}"));
    }

    /// <summary>Numbers the server also takes as strings are sampled as numbers.</summary>
    private static readonly string[] Preferred = ["object", "integer", "number", "boolean", "array", "string"];

    /// <summary>A value the schema describes, made from it: strings "sample", numbers 1, arrays empty, objects with every property.</summary>
    public JsonNode? Sample(JsonNode? schema, int depth = 0)
    {
        if (schema is not JsonObject s || depth > 8) return new JsonObject();
        if (s["$ref"]?.GetValue<string>() is { } reference)
            return Sample(reference.Split('/')[1..].Aggregate((JsonNode?)Document, (node, part) => node?[part]), depth + 1);
        if (s["const"] is { } constant) return constant.DeepClone();
        var type = s["type"] switch
        {
            JsonArray types => Preferred.FirstOrDefault(p => types.Any(t => t!.GetValue<string>() == p)) ?? "null",
            JsonValue one => one.GetValue<string>(),
            _ => s.ContainsKey("properties") ? "object" : "any",
        };
        return type switch
        {
            "string" => "sample",
            "integer" or "number" => 1,
            "boolean" => false,
            "array" => new JsonArray(),
            "null" => null,
            "object" => new JsonObject(s["properties"]?.AsObject().Select(p => KeyValuePair.Create(p.Key, Sample(p.Value, depth + 1))) ?? []),
            _ => new JsonObject(),
        };
    }
}
