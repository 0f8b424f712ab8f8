using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Schema;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Parley.Server.Api;

namespace Parley.Server.AsyncApi;

/// <summary>
/// JSON Schemas of the CLR types the gateway reads and writes, exported from the server's own serialiser settings
/// (<see cref="JsonSetup.Default"/>), so the document describes what System.Text.Json actually produces. Each type
/// becomes one entry of components.schemas; references are to it.
/// </summary>
internal sealed class PayloadSchemas
{
    /// <summary>What the server writes: every constructor field is present (unless skipped when null), nothing else is, and numbers are numbers.</summary>
    private readonly JsonSerializerOptions _sent = new(JsonSetup.Default)
    {
        RespectNullableAnnotations = true, RespectRequiredConstructorParameters = true, NumberHandling = JsonNumberHandling.Strict,
    };

    /// <summary>What the server reads: fields may be left out, and unknown ones are ignored.</summary>
    private readonly JsonSerializerOptions _read = new(JsonSetup.Default) { RespectNullableAnnotations = true };

    private readonly Dictionary<(Type, bool), string> _names = [];

    public JsonObject Components { get; } = [];

    /// <summary><c>{"$ref": "#/components/schemas/…"}</c> for <paramref name="type"/>, exporting its schema the first time.</summary>
    public JsonObject Ref(Type type, bool sent)
    {
        if (!_names.TryGetValue((type, sent), out var name))
        {
            name = UniqueName(type);
            _names[(type, sent)] = name;
            var exporter = new JsonSchemaExporterOptions { TreatNullObliviousAsNonNullable = true, TransformSchemaNode = (c, node) => Transform(c, node, sent) };
            var schema = JsonSchemaExporter.GetJsonSchemaAsNode(sent ? _sent : _read, type, exporter);
            Components[name] = Rebase(schema as JsonObject ?? [], $"#/components/schemas/{name}");
        }
        return new JsonObject { ["$ref"] = $"#/components/schemas/{name}" };
    }

    private string UniqueName(Type type)
    {
        var name = type.Name;
        for (var n = 2; Components.ContainsKey(name); n++) name = $"{type.Name}{n}";
        return name;
    }

    private static JsonNode Transform(JsonSchemaExporterContext context, JsonNode node, bool sent)
    {
        var type = context.TypeInfo.Type;
        // Timestamps go through the server's own converter, which the exporter cannot see into.
        if (type == typeof(DateTimeOffset) || type == typeof(DateTimeOffset?))
            return new JsonObject
            {
                ["type"] = type == typeof(DateTimeOffset) ? "string" : new JsonArray("string", "null"),
                ["format"] = "date-time",
            };
        if (context.TypeInfo.Kind != JsonTypeInfoKind.Object || node is not JsonObject schema || !schema.ContainsKey("properties")) return node;
        if (schema["required"] is JsonArray required)
        {
            // A field written only when it has a value may be missing.
            var optional = context.TypeInfo.Properties.Where(p => p.ShouldSerialize is not null).Select(p => p.Name).ToHashSet();
            foreach (var item in required.Where(r => optional.Contains(r!.GetValue<string>())).ToList()) required.Remove(item);
            if (required.Count == 0) schema.Remove("required");
        }
        if (sent) schema["additionalProperties"] = false;
        return schema;
    }

    /// <summary>The exporter's references are relative to its own root; the schema now lives at <paramref name="root"/>.</summary>
    private static JsonObject Rebase(JsonObject schema, string root)
    {
        foreach (var node in Walk(schema).ToList())
            if (node["$ref"] is JsonValue value && value.GetValue<string>() is ['#', .. var rest])
                node["$ref"] = root + rest;
        return schema;
    }

    private static IEnumerable<JsonObject> Walk(JsonNode? node)
    {
        if (node is JsonObject o)
        {
            yield return o;
            foreach (var (_, child) in o)
                foreach (var inner in Walk(child)) yield return inner;
        }
        else if (node is JsonArray a)
            foreach (var child in a)
                foreach (var inner in Walk(child)) yield return inner;
    }
}
