using System.Text.Json;
using JWT;
using JWT.Algorithms;
using JWT.Exceptions;
using Microsoft.Extensions.Options;

namespace Parley.Server.Auth;

public sealed record IssuedToken(string Token, DateTimeOffset ExpiresAt);

public readonly record struct TokenClaims(string UserId, string Stamp);

/// <summary>HS256 tokens carrying sub, iat, exp and the user's security stamp ("sst").</summary>
public sealed class TokenService
{
    private readonly byte[] _key;
    private readonly TimeSpan _lifetime;
    private readonly JwtEncoder _encoder;
    private readonly JwtDecoder _decoder;
    private readonly JwtBase64UrlEncoder _urlEncoder = new();

    public TokenService(IOptions<AuthOptions> options, SigningKey key)
    {
        _key = key.Value;
        _lifetime = options.Value.TokenLifetime;
        var serializer = new StjSerializer();
        var urlEncoder = _urlEncoder;
        var algorithm = new HMACSHA256Algorithm();
        _encoder = new JwtEncoder(algorithm, serializer, urlEncoder);
        _decoder = new JwtDecoder(serializer, new JwtValidator(serializer, new UtcDateTimeProvider()), urlEncoder, algorithm);
    }

    public IssuedToken Issue(string userId, string stamp, TimeSpan? lifetime = null)
    {
        var now = DateTimeOffset.UtcNow;
        var expires = now + (lifetime ?? _lifetime);
        var claims = new Dictionary<string, object>
        {
            ["sub"] = userId,
            ["iat"] = now.ToUnixTimeSeconds(),
            ["exp"] = expires.ToUnixTimeSeconds(),
            ["sst"] = stamp,
        };
        return new IssuedToken(_encoder.Encode(claims, _key), expires);
    }

    /// <summary>Null for anything but a well-formed, unexpired HS256 token signed with our key.</summary>
    public TokenClaims? Validate(string token)
    {
        // A token verified once stays valid until it expires, so repeat requests skip the HMAC and JSON work.
        // Revocation is not cached here: the security stamp is checked on every request.
        if (_verified.TryGetValue(token, out var known) && known.ExpiresAt > DateTimeOffset.UtcNow.ToUnixTimeSeconds()) return known.Claims;
        if (Verify(token) is not { } verified) return null;
        if (_verified.Count >= MaxCachedTokens) _verified.Clear();
        _verified[token] = verified;
        return verified.Claims;
    }

    private const int MaxCachedTokens = 100_000;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, (TokenClaims Claims, long ExpiresAt)> _verified = new(StringComparer.Ordinal);

    private (TokenClaims Claims, long ExpiresAt)? Verify(string token)
    {
        try
        {
            var parts = new JwtParts(token);
            using (var header = JsonDocument.Parse(_urlEncoder.Decode(parts.Header)))
            {
                // Pin the algorithm: "none" or any other alg is refused before the signature is looked at.
                if (!header.RootElement.TryGetProperty("alg", out var alg) || alg.GetString() != "HS256") return null;
            }
            using var payload = JsonDocument.Parse(_decoder.Decode(parts, _key, verify: true));
            var root = payload.RootElement;
            if (!root.TryGetProperty("exp", out var exp) || !exp.TryGetInt64(out var expiresAt)) return null;
            if (root.TryGetProperty("sub", out var sub) && sub.ValueKind == JsonValueKind.String &&
                root.TryGetProperty("sst", out var sst) && sst.ValueKind == JsonValueKind.String)
                return (new TokenClaims(sub.GetString()!, sst.GetString()!), expiresAt);
            return null;
        }
        catch (Exception e) when (e is ArgumentException or FormatException or InvalidTokenPartsException or SignatureVerificationException
                                       or TokenExpiredException or JsonException or InvalidOperationException)
        {
            return null;
        }
    }

    /// <summary>System.Text.Json for the JWT package, which expects claims as plain CLR values (not JsonElement).</summary>
    private sealed class StjSerializer : IJsonSerializer
    {
        public string Serialize(object obj) => JsonSerializer.Serialize(obj);

        public T Deserialize<T>(string json)
        {
            if (!typeof(T).IsAssignableFrom(typeof(Dictionary<string, object?>))) return JsonSerializer.Deserialize<T>(json)!;
            using var document = JsonDocument.Parse(json);
            if (document.RootElement.ValueKind != JsonValueKind.Object) throw new FormatException("JWT part is not a JSON object");
            var claims = document.RootElement.EnumerateObject().ToDictionary(p => p.Name, p => Plain(p.Value));
            return (T)(object)claims;
        }

        private static object? Plain(JsonElement value) => value.ValueKind switch
        {
            JsonValueKind.String => value.GetString(),
            JsonValueKind.Number => value.TryGetInt64(out var whole) ? whole : value.GetDouble(),
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            JsonValueKind.Null => null,
            _ => value.GetRawText(),
        };
    }
}
