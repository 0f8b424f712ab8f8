using System.Text.Json;
using System.Text.Json.Serialization;
using Parley.Server.Agents;
using Parley.Server.Conversations;
using Parley.Server.Messages;
using Parley.Server.Users;

namespace Parley.Server.Api;

/// <summary>
/// Source-generated serialisers for the shapes on hot paths; anything not listed falls back to reflection.
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, Converters = [typeof(UtcMillisecondsConverter)])]
[JsonSerializable(typeof(ErrorEnvelope))]
[JsonSerializable(typeof(Envelope<UserDto>))]
[JsonSerializable(typeof(Envelope<AuthResponse>))]
[JsonSerializable(typeof(Envelope<List<UserDto>>))]
[JsonSerializable(typeof(Envelope<ConversationDto>))]
[JsonSerializable(typeof(Envelope<List<ConversationDto>>))]
[JsonSerializable(typeof(Dictionary<string, string[]>))]
[JsonSerializable(typeof(Envelope<MessageDto>))]
[JsonSerializable(typeof(Envelope<MessagePage>))]
[JsonSerializable(typeof(MessageEvent))]
[JsonSerializable(typeof(MessageDeletedEvent))]
[JsonSerializable(typeof(MessageReadEvent))]
[JsonSerializable(typeof(MessageDeltaEvent))]
public sealed partial class ParleyJsonContext : JsonSerializerContext;
