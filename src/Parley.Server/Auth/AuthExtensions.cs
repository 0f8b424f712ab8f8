using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Parley.Server.Users;

namespace Parley.Server.Auth;

public static class AuthExtensions
{
    public const string CredentialScheme = "Credential";

    public static IServiceCollection AddParleyAuth(this IServiceCollection services)
    {
        services.AddOptions<AuthOptions>().BindConfiguration("Auth");
        services.AddSingleton<TokenService>();
        services.AddSingleton<UserStamps>();
        services.AddSingleton<SigningKey>();
        services.AddSingleton<Revocations>();
        services.AddHostedService(sp => sp.GetRequiredService<Revocations>());
        services.AddSingleton<TokenCheck>();
        services.AddSingleton<LoginThrottle>();
        services.AddSingleton<IPasswordHasher<UserRow>>(sp => new PasswordHasher<UserRow>(
            Microsoft.Extensions.Options.Options.Create(new PasswordHasherOptions
            {
                IterationCount = sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<AuthOptions>>().Value.PasswordIterations,
            })));
        services.AddSingleton<ApiKeyCheck>();
        services.AddHostedService(sp => sp.GetRequiredService<ApiKeyCheck>());
        // One default scheme that hands each request to the credential it carries: a bearer token or a server API key.
        services.AddAuthentication(CredentialScheme)
            .AddPolicyScheme(CredentialScheme, null, o => o.ForwardDefaultSelector = http =>
                ApiKeyHandler.IsApiKeyRequest(http.Request) ? ApiKeyHandler.SchemeName : BearerHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, BearerHandler>(BearerHandler.SchemeName, null)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyHandler>(ApiKeyHandler.SchemeName, null);
        // Everything needs a user unless an endpoint says AllowAnonymous: signed in, or a bot its API key acts as.
        var authorization = services.AddAuthorizationBuilder()
            .SetFallbackPolicy(new AuthorizationPolicyBuilder(CredentialScheme).RequireAuthenticatedUser().RequireClaim(ClaimTypes.NameIdentifier).Build());
        ApiKeyHandler.AddScopePolicies(authorization);
        return services;
    }

    /// <summary>Loads (or creates) the signing key at start-up, after the migrations, rather than on the first login.</summary>
    public static async Task EnsureSigningKeyAsync(this WebApplication app)
    {
        await app.Services.GetRequiredService<SigningKey>().LoadAsync();
        app.Services.GetRequiredService<TokenService>();
    }
}
