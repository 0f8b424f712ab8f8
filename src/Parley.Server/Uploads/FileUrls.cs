using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Parley.Server.Auth;

namespace Parley.Server.Uploads;

/// <summary>
/// Who a signed URL was made for: a user (checked at download as a member of a conversation that holds the
/// file, or its uploader before it is sent) or a conversation (URLs inside events, which every member gets alike:
/// those name nobody, so a download with one also needs the reader's bearer token or file cookie, and membership).
/// </summary>
public readonly record struct UrlScope(char Kind, string Id)
{
    public const char UserKind = 'u';
    public const char ConversationKind = 'c';

    public static UrlScope User(string userId) => new(UserKind, userId);
    public static UrlScope Conversation(string conversationId) => new(ConversationKind, conversationId);

    public override string ToString() => $"{Kind}.{Id}";

    public static UrlScope? Parse(string? text) =>
        text is { Length: > 2 } && text[1] == '.' && text[0] is UserKind or ConversationKind ? new UrlScope(text[0], text[2..]) : null;
}

/// <summary>
/// Signed file URLs: /api/files/{id}?s={scope}&amp;e={expiry}&amp;t={HMAC}, so that &lt;img src&gt; works without an
/// Authorization header. The HMAC key is derived from the deployment's signing key, which every node shares.
/// </summary>
public sealed class FileUrls(SigningKey signingKey, IOptions<UploadOptions> options, TimeProvider clock)
{
    private byte[]? _key;

    private byte[] Key => _key ??= HMACSHA256.HashData(signingKey.Value, "parley:file-urls:v1"u8);

    public string File(string uploadId, UrlScope scope) => Sign($"/api/files/{uploadId}", uploadId, scope);

    public string Thumbnail(string uploadId, UrlScope scope) => Sign($"/api/files/{uploadId}/thumbnail", uploadId, scope);

    private string Sign(string path, string uploadId, UrlScope scope)
    {
        // Expiries are rounded up to the minute so that one page of history signs alike and browsers can cache.
        var expires = (clock.GetUtcNow() + options.Value.UrlLifetime).ToUnixTimeSeconds();
        expires += 60 - expires % 60;
        var s = Uri.EscapeDataString(scope.ToString());
        return $"{path}?s={s}&e={expires}&t={Token(uploadId, scope, expires)}";
    }

    private string Token(string uploadId, UrlScope scope, long expires) =>
        Base64Url(HMACSHA256.HashData(Key, Encoding.UTF8.GetBytes($"{uploadId}\n{scope}\n{expires}")));

    /// <summary>The scope a URL's query grants, or why not: forged (null, false) or expired (null, true).</summary>
    public (UrlScope? Scope, bool Expired) Verify(string uploadId, string? scopeText, string? expiresText, string? token)
    {
        if (UrlScope.Parse(scopeText) is not { } scope || !long.TryParse(expiresText, out var expires) || token is null) return (null, false);
        var expected = Encoding.ASCII.GetBytes(Token(uploadId, scope, expires));
        if (!CryptographicOperations.FixedTimeEquals(expected, Encoding.ASCII.GetBytes(token))) return (null, false);
        return expires < clock.GetUtcNow().ToUnixTimeSeconds() ? (null, true) : (scope, false);
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
