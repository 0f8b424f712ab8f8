using System.Text.Json;
using System.Text.Json.Serialization;
using Parley.Server.Api;

namespace Parley.Server.Agents;

/// <summary>Source-generated serialiser for the streaming answer's message:delta.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, Converters = [typeof(UtcMillisecondsConverter)])]
[JsonSerializable(typeof(MessageDeltaEvent))]
public sealed partial class AgentsJsonContext : JsonSerializerContext;
