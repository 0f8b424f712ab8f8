using System.Text.Json;
using System.Text.Json.Serialization;
using Parley.Server.Api;

namespace Parley.Server.Users;

/// <summary>Source-generated serialisers for the user shapes on hot paths.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, Converters = [typeof(UtcMillisecondsConverter)])]
[JsonSerializable(typeof(Envelope<UserDto>))]
[JsonSerializable(typeof(Envelope<AuthResponse>))]
[JsonSerializable(typeof(Envelope<List<UserDto>>))]
public sealed partial class UsersJsonContext : JsonSerializerContext;
