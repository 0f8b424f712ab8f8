using System.Text.Json;
using System.Text.Json.Serialization;
using Parley.Server.Api;

namespace Parley.Server.Conversations;

/// <summary>Source-generated serialisers for the conversation shapes on hot paths.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, Converters = [typeof(UtcMillisecondsConverter)])]
[JsonSerializable(typeof(Envelope<ConversationDto>))]
[JsonSerializable(typeof(Envelope<List<ConversationDto>>))]
public sealed partial class ConversationsJsonContext : JsonSerializerContext;
