using System.Text.Json;
using System.Text.Json.Serialization;
using Parley.Server.Api;

namespace Parley.Server.Messages;

/// <summary>Source-generated serialisers for the message shapes on hot paths (the send ack, message:new).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, Converters = [typeof(UtcMillisecondsConverter)])]
[JsonSerializable(typeof(Envelope<MessageDto>))]
[JsonSerializable(typeof(Envelope<MessagePage>))]
[JsonSerializable(typeof(MessageEvent))]
[JsonSerializable(typeof(MessageDeletedEvent))]
[JsonSerializable(typeof(MessageReadEvent))]
public sealed partial class MessagesJsonContext : JsonSerializerContext;
