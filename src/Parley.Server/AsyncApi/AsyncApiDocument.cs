using System.Text.Json.Nodes;
using Parley.Server.Api;
using Parley.Server.Events;
using Parley.Server.Realtime;

namespace Parley.Server.AsyncApi;

/// <summary>
/// The AsyncAPI 3.0 document of the gateway (<c>/ws</c>), built from the server's own registries: every request in
/// the dispatcher's <see cref="GatewayRequestTable"/> and every event in the <see cref="EventCatalog"/>, each with
/// the schema of the CLR type its data is read from or written with, plus the gateway's own frames (ready, ack, error).
/// </summary>
public static class AsyncApiDocument
{
    public const string Channel = "gateway";
    public const string EventPrefix = "event.";
    public const string RequestPrefix = "request.";

    public static JsonObject Build(GatewayRequestTable requests, EventCatalog events)
    {
        var schemas = new PayloadSchemas();
        var messages = new JsonObject();
        var operations = new JsonObject();

        messages["ready"] = Message("ready", "The first frame of every socket", Frame("ready", schemas.Ref(typeof(Ready), sent: true), cursor: false));
        messages["ack"] = Message("ack", "The answer to a request, carrying its id: ok with the answer's data, or not ok with an error", Ack(schemas));
        messages["error"] = Message("error", "A frame that is not a request (too large, binary, not JSON, no type); too many close the socket with 1008",
            Frame("error", schemas.Ref(typeof(GatewayProblem), sent: true), cursor: false));
        operations["receive.ready"] = Operation("receive", "The socket is authenticated and live", "ready");
        operations["receive.error"] = Operation("receive", "A frame the gateway could not take as a request", "error");

        foreach (var e in events.Types.OrderBy(e => e.Type, StringComparer.Ordinal))
        {
            var key = EventPrefix + Key(e.Type);
            messages[key] = Message(e.Type, e.Summary, Frame(e.Type, schemas.Ref(e.Payload, sent: true), cursor: true));
            operations["receive." + Key(e.Type)] = Operation("receive", e.Summary, key);
        }
        foreach (var type in requests.Types.Order(StringComparer.Ordinal))
        {
            var key = RequestPrefix + Key(type);
            var data = requests.PayloadOf(type) is { } payload ? schemas.Ref(payload, sent: false) : new JsonObject();
            messages[key] = Message(type, $"The {type} request", Request(type, data));
            var operation = Operation("send", $"Request {type}; answered with an ack of the same id", key);
            operation["reply"] = new JsonObject
            {
                ["channel"] = ChannelRef(),
                ["messages"] = new JsonArray(new JsonObject { ["$ref"] = $"#/channels/{Channel}/messages/ack" }),
            };
            operations["send." + Key(type)] = operation;
        }

        var channelMessages = new JsonObject();
        foreach (var (key, _) in messages) channelMessages[key] = new JsonObject { ["$ref"] = $"#/components/messages/{key}" };
        return new JsonObject
        {
            ["asyncapi"] = "3.0.0",
            ["info"] = new JsonObject
            {
                ["title"] = "Parley real-time gateway",
                ["version"] = "1",
                ["description"] = "One WebSocket per client at /ws (or /ws/{userId}). Authenticate with Authorization: Bearer, ?access_token=, "
                    + "or a first auth frame. Events reach every socket of every member; requests are answered with an ack of the same id.",
            },
            ["defaultContentType"] = "application/json",
            ["servers"] = new JsonObject
            {
                ["parley"] = new JsonObject
                {
                    ["host"] = "{host}",
                    ["protocol"] = "ws",
                    ["description"] = "The Parley server this document was fetched from (wss behind TLS)",
                    ["variables"] = new JsonObject { ["host"] = new JsonObject { ["default"] = "localhost:5000" } },
                },
            },
            ["channels"] = new JsonObject
            {
                [Channel] = new JsonObject
                {
                    ["address"] = "/ws",
                    ["title"] = "Gateway socket",
                    ["description"] = "Every frame is JSON text: {type, id?, data} from the client, {type, cursor?, data} or an ack from the server.",
                    ["messages"] = channelMessages,
                },
            },
            ["operations"] = operations,
            ["components"] = new JsonObject { ["messages"] = messages, ["schemas"] = schemas.Components },
        };
    }

    /// <summary>Component keys allow letters, digits, '.', '-' and '_': <c>message:new</c> becomes <c>message.new</c>.</summary>
    public static string Key(string type) => string.Concat(type.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' ? c : '.'));

    private static JsonObject Message(string name, string summary, JsonObject payload) => new()
    {
        ["name"] = name,
        ["title"] = name,
        ["summary"] = summary,
        ["contentType"] = "application/json",
        ["payload"] = payload,
    };

    private static JsonObject Operation(string action, string summary, string message) => new()
    {
        ["action"] = action,
        ["channel"] = ChannelRef(),
        ["summary"] = summary,
        ["messages"] = new JsonArray(new JsonObject { ["$ref"] = $"#/channels/{Channel}/messages/{message}" }),
    };

    private static JsonObject ChannelRef() => new() { ["$ref"] = $"#/channels/{Channel}" };

    private static JsonObject Frame(string type, JsonObject data, bool cursor)
    {
        var properties = new JsonObject { ["type"] = new JsonObject { ["const"] = type } };
        if (cursor)
            properties["cursor"] = new JsonObject
            {
                ["type"] = "integer",
                ["minimum"] = 1,
                ["description"] = "Its place in the event log, for resume; ephemeral events (typing, presence) have none",
            };
        properties["data"] = data;
        return Envelope(properties, "type", "data");
    }

    private static JsonObject Request(string type, JsonObject data) => Envelope(new JsonObject
    {
        ["type"] = new JsonObject { ["const"] = type },
        ["id"] = new JsonObject { ["type"] = new JsonArray("string", "number"), ["description"] = "Echoed in the ack" },
        ["data"] = data,
    }, "type");

    private static JsonObject Ack(PayloadSchemas schemas) => Envelope(new JsonObject
    {
        ["type"] = new JsonObject { ["const"] = "ack" },
        ["id"] = new JsonObject { ["type"] = new JsonArray("string", "number", "null") },
        ["ok"] = new JsonObject { ["type"] = "boolean" },
        ["data"] = new JsonObject { ["description"] = "The answer (ok: true): what the same REST route returns" },
        ["error"] = schemas.Ref(typeof(ErrorBody), sent: true),
    }, "type", "id", "ok");

    private static JsonObject Envelope(JsonObject properties, params string[] required) => new()
    {
        ["type"] = "object",
        ["required"] = new JsonArray([.. required.Select(r => (JsonNode)r)]),
        ["properties"] = properties,
        ["additionalProperties"] = false,
    };
}
