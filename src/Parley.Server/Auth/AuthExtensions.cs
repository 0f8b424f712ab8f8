using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Parley.Server.Users;

namespace Parley.Server.Auth;

public static class AuthExtensions
{
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
        services.AddAuthentication(BearerHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, BearerHandler>(BearerHandler.SchemeName, null);
        // Everything needs a signed-in user unless an endpoint says AllowAnonymous.
        services.AddAuthorizationBuilder()
            .SetFallbackPolicy(new AuthorizationPolicyBuilder(BearerHandler.SchemeName).RequireAuthenticatedUser().Build());
        return services;
    }

    /// <summary>Loads (or creates) the signing key at start-up, after the migrations, rather than on the first login.</summary>
    public static async Task EnsureSigningKeyAsync(this WebApplication app)
    {
        await app.Services.GetRequiredService<SigningKey>().LoadAsync();
        app.Services.GetRequiredService<TokenService>();
    }
}
