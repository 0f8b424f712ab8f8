using System.Text.Json;
using System.Text.Json.Serialization;

namespace Parley.Server.Api;

/// <summary>Source-generated serialisers for the shared shapes; each feature adds its hot-path shapes in its own context (see <see cref="JsonSetup"/>).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, Converters = [typeof(UtcMillisecondsConverter)])]
[JsonSerializable(typeof(ErrorEnvelope))]
[JsonSerializable(typeof(Dictionary<string, string[]>))]
public sealed partial class ApiJsonContext : JsonSerializerContext;
