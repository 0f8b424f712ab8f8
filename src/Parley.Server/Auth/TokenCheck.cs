using Parley.Server.Api;

namespace Parley.Server.Auth;

/// <summary>
/// The user a bearer token speaks for, when the token is ours, unexpired and its security stamp still current:
/// one check (and one set of error messages) for REST, the gateway endpoint and the connection-level handshake.
/// </summary>
public sealed class TokenCheck(TokenService tokens, UserStamps stamps)
{
    public async ValueTask<Outcome<string>> UserOfAsync(string token, CancellationToken ct)
    {
        if (tokens.Validate(token) is not { } claims) return Failure.Unauthorized("Invalid or expired token");
        if (!await stamps.IsCurrentAsync(claims.UserId, claims.Stamp, ct)) return Failure.Unauthorized("Token has been revoked");
        return claims.UserId;
    }
}
