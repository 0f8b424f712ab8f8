using Microsoft.Extensions.Options;
using Parley.Server.Api;
using Parley.Server.Auth;

namespace Parley.Server.Uploads;

/// <summary>
/// POST /api/files/session puts the caller's bearer token in an HttpOnly cookie scoped to /api/files, so that a
/// browser's &lt;img src&gt; of a URL from a socket event (signed for the conversation, naming nobody) downloads as
/// that user; DELETE removes it (sign-out). Like Slack's file links: a file is read as someone, and only while they are
/// a member. The cookie is read for GET and HEAD under /api/files only, so it cannot make any other request.
/// </summary>
public static class FileSession
{
    public sealed record FileSessionDto(DateTimeOffset ExpiresAt);

    public static void MapFileSession(this RouteGroupBuilder api)
    {
        var session = api.MapGroup("/files/session").WithTags("Uploads");
        session.MapPost("", (HttpContext http, IOptions<AuthOptions> auth, TimeProvider clock) =>
        {
            var token = BearerHandler.ReadToken(http.Request)!;
            var expires = clock.GetUtcNow() + auth.Value.TokenLifetime;
            http.Response.Cookies.Append(BearerHandler.FileCookie, token, Options(http, expires));
            return Ok.With(new FileSessionDto(expires), "File cookie set");
        });
        // Anonymous: signing out with a token that was just revoked must still drop the cookie.
        session.MapDelete("", (HttpContext http) =>
        {
            http.Response.Cookies.Delete(BearerHandler.FileCookie, Options(http, null));
            return Ok.With(new { }, "File cookie removed");
        }).AllowAnonymous();
    }

    private static CookieOptions Options(HttpContext http, DateTimeOffset? expires) => new()
    {
        HttpOnly = true, Secure = http.Request.IsHttps, SameSite = SameSiteMode.Strict, Path = "/api/files", Expires = expires, IsEssential = true,
    };
}
