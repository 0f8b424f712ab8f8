using System.Text.Json;
using Microsoft.Extensions.Options;
using Parley.Server.Auth;

namespace Parley.Server.SocketIo;

/// <summary>
/// Answers a CONNECT: on <c>/</c> the socket authenticates with the token from the auth payload
/// (<c>{token}</c>), the handshake's <c>?token=</c> or its Authorization header, and becomes a Parley socket
/// (<see cref="ParleySocket"/>). In protocol test mode a connect without a valid token, and any connect to
/// <c>/custom</c>, gets the test suite's echo namespace instead. Everything else is a connect_error.
/// </summary>
public sealed class NamespaceConnector(TokenCheck tokens, SocketProfiles profiles, IOptions<SocketIoOptions> options, IServiceProvider services)
{
    public const string Root = "/", TestNamespace = "/custom";

    public async ValueTask<ISocketNamespace?> ConnectAsync(EngineSession session, string ns, JsonElement auth)
    {
        var testMode = options.Value.ProtocolTestMode;
        if (ns == Root)
        {
            var token = TokenOf(auth) ?? session.Request.QueryToken ?? session.Request.HeaderToken;
            if (token is null && testMode) return EchoNamespace.Connect(session, ns, auth);
            if (token is null) return Refuse(session, ns, "Authentication required: connect with auth: {token}", 401, "unauthorized");
            var user = await tokens.UserOfAsync(token, CancellationToken.None);
            // The test suite's "token" is no Parley token: in test mode only a valid one makes a Parley socket.
            if (!user.Ok && testMode) return EchoNamespace.Connect(session, ns, auth);
            if (!user.Ok) return Refuse(session, ns, user.Error!.Message, user.Error.Status, user.Error.Code);
            if (profiles.Find(session.Request.Profile) is not { } profile)
                return Refuse(session, ns, $"Unknown profile '{session.Request.Profile}'; known: {string.Join(", ", profiles.Names)}", 400, "unknown_profile");
            return await ActivatorUtilities.CreateInstance<ParleySocket>(services, session, user.Value!, profile).ConnectAsync(auth);
        }
        if (ns == TestNamespace && testMode) return EchoNamespace.Connect(session, ns, auth);
        return Refuse(session, ns, "Invalid namespace", null, null);
    }

    private static string? TokenOf(JsonElement auth) =>
        auth.ValueKind == JsonValueKind.Object && auth.TryGetProperty("token", out var token) && token.ValueKind == JsonValueKind.String
            ? token.GetString() : null;

    private static ISocketNamespace? Refuse(EngineSession session, string ns, string message, int? status, string? code)
    {
        var data = status is null ? null : new { code, status };
        session.Send(SocketCodec.Encode(SocketType.ConnectError, ns, null, SocketLayer.ErrorData(message, data)));
        return null;
    }

    /// <summary>The CONNECT answer's data: <c>{"sid":…}</c>, plus <c>pid</c> where the socket can be recovered.</summary>
    public static EngineFrame Connected(string ns, string sid, string? pid) =>
        SocketCodec.Encode(SocketType.Connect, ns, null, JsonSerializer.SerializeToUtf8Bytes(new SocketHandshake(sid, pid), SocketIoJson.Options));
}

public sealed record SocketHandshake(string Sid, string? Pid);
