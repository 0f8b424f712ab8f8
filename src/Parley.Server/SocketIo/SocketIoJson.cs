using System.Text.Json;
using System.Text.Json.Serialization;
using Parley.Server.Api;

namespace Parley.Server.SocketIo;

/// <summary>Parley's JSON settings, leaving out null members (Socket.IO's handshake and error objects have none).</summary>
public static class SocketIoJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSetup.Default) { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };
}
