using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using Parley.Server.Api;

namespace Parley.Server.Auth;

/// <summary>
/// Reads a bearer token from the Authorization header (or, for WebSocket upgrades, ?access_token=; for downloads, the file cookie),
/// checks it with <see cref="TokenService"/> and that its security stamp is still current.
/// </summary>
public sealed class BearerHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder,
    TokenCheck check)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "Bearer";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var token = ReadToken(Request);
        if (token is null) return AuthenticateResult.NoResult();
        var user = await check.UserOfAsync(token, Context.RequestAborted);
        if (!user.Ok) return AuthenticateResult.Fail(user.Error!.Message);
        var identity = new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, user.Value!)], SchemeName);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }

    /// <summary>
    /// The cookie that <c>POST /api/files/session</c> sets (HttpOnly, path /api/files): what a browser's &lt;img src&gt;
    /// sends, since it cannot send an Authorization header. Read only for downloads (GET and HEAD under /api/files).
    /// </summary>
    public const string FileCookie = "parley_files";

    public static string? ReadToken(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        if (header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)) return header[7..].Trim();
        if (request.Path.StartsWithSegments("/ws"))
        {
            // A bot's socket may be opened with its key (Gateway.AdmitAsync tells the two apart).
            if (header.StartsWith(ApiKeyHandler.SchemeName + " ", StringComparison.OrdinalIgnoreCase)) return header[7..].Trim();
            return request.Query["access_token"].ToString() is { Length: > 0 } query ? query : null;
        }
        if ((HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method)) && request.Path.StartsWithSegments("/api/files")
            && request.Cookies[FileCookie] is { Length: > 0 } cookie) return cookie;
        return null;
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.Headers.WWWAuthenticate = "Bearer";
        var failure = Context.Features.Get<IAuthenticateResultFeature>()?.AuthenticateResult?.Failure?.Message;
        return ApiError.WriteAsync(Context, 401, "unauthorized", failure ?? "Authentication required: send Authorization: Bearer <token>");
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        ApiError.WriteAsync(Context, 403, "forbidden", "You are not allowed to do this");
}
