using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;
using Parley.Server.Api;

namespace Parley.Server.Auth;

/// <summary>
/// <c>Authorization: ApiKey &lt;secret&gt;</c>: a server acting within its key's scopes. The principal carries the key
/// (<see cref="KeyClaim"/>) and its scopes (<see cref="ScopeClaim"/>), which the /api/apps policies require
/// (<see cref="ScopePolicy"/>). With <c>Parley-Act-As: &lt;botId&gt;</c> naming a bot the key owns, and the messages
/// scope, it is also that bot on every user route (send, react, read), like a signed-in user.
/// </summary>
public sealed class ApiKeyHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, ApiKeyCheck keys)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";
    public const string ActAsHeader = "Parley-Act-As";
    public const string KeyClaim = "parley:api_key";
    public const string ScopeClaim = "parley:scope";

    public static string ScopePolicy(string scope) => "api-key:" + scope;

    public static bool IsApiKeyRequest(HttpRequest request) =>
        request.Headers.Authorization.ToString().StartsWith(SchemeName + " ", StringComparison.OrdinalIgnoreCase);

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!IsApiKeyRequest(Request)) return AuthenticateResult.NoResult();
        var key = await keys.KeyOfAsync(Request.Headers.Authorization.ToString()[(SchemeName.Length + 1)..].Trim(), Context.RequestAborted);
        if (!key.Ok) return AuthenticateResult.Fail(key.Error!.Message);
        var claims = new List<Claim> { new(KeyClaim, key.Value!.Id) };
        claims.AddRange(key.Value.Scopes.Select(s => new Claim(ScopeClaim, s)));
        // Not acting as the bot (no messages scope, or not its bot) leaves a key without a user: user routes answer 403.
        if (Request.Headers[ActAsHeader].ToString() is { Length: > 0 } botId && key.Value.Allows(ApiKeyScopes.Messages)
            && Guid.TryParseExact(botId, "D", out _) && await keys.OwnsBotAsync(key.Value, botId, Context.RequestAborted))
            claims.Add(new Claim(ClaimTypes.NameIdentifier, botId));
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName)), SchemeName));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.Headers.WWWAuthenticate = SchemeName;
        var failure = Context.Features.Get<IAuthenticateResultFeature>()?.AuthenticateResult?.Failure?.Message;
        return ApiError.WriteAsync(Context, 401, "unauthorized", failure ?? "Authentication required: send Authorization: ApiKey <secret>");
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        ApiError.WriteAsync(Context, 403, "forbidden", Context.User.HasClaim(c => c.Type == ClaimTypes.NameIdentifier)
            ? "This API key's scopes do not allow this"
            : "An API key acts on user routes only as one of its bots (Parley-Act-As: <botId>, with the messages scope), or on /api/apps within its scopes");

    /// <summary>One policy per scope, for the /api/apps route groups.</summary>
    public static void AddScopePolicies(AuthorizationBuilder builder)
    {
        foreach (var scope in ApiKeyScopes.All)
            builder.AddPolicy(ScopePolicy(scope), p => p.AddAuthenticationSchemes(SchemeName).RequireAuthenticatedUser().RequireClaim(ScopeClaim, scope));
    }
}
