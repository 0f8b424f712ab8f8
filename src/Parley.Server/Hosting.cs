using Parley.Server.Agents;
using Parley.Server.Conversations;
using Parley.Server.Notifications;
using Parley.Server.Messages;
using Parley.Server.Presence;
using Parley.Server.Realtime;
using Parley.Server.Users;

namespace Parley.Server;

/// <summary>The wiring Program.cs composes: hosting defaults, feature services, API docs.</summary>
public static class Hosting
{
    public static WebApplicationBuilder AddParleyHosting(this WebApplicationBuilder builder)
    {
        // Zero-config default: http://localhost:5000 unless ASPNETCORE_URLS / --urls / Kestrel settings say otherwise.
        if (string.IsNullOrEmpty(builder.Configuration["urls"]) && builder.Configuration.GetSection("Kestrel:Endpoints").GetChildren().Any() is false)
            builder.WebHost.UseUrls("http://localhost:5000");
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = builder.Configuration.GetValue("Limits:MaxRequestBodyBytes", 1L << 20));
        builder.Services.AddHealthChecks();
        // Handled 4xx exceptions (bad JSON, 413) are answered, not errors; real 500s are logged by UseParleyErrors.
        builder.Logging.AddFilter("Microsoft.AspNetCore.Diagnostics.ExceptionHandlerMiddleware", LogLevel.None);
        return builder;
    }

    public static IServiceCollection AddParleyFeatures(this IServiceCollection services)
    {
        services.AddSingleton<UserStore>();
        services.AddSingleton(TimeProvider.System);
        services.AddOptions<PresenceOptions>().BindConfiguration("Presence");
        services.AddSingleton<PresenceTracker>();
        services.AddSingleton<PresenceService>();
        services.AddAgents();
        services.AddSingleton<ConversationStore>();
        services.AddSingleton<ConversationViews>();
        services.AddSingleton<MembershipHooks>();
        services.AddSingleton<ConversationService>();
        services.AddSingleton<MessageService>();
        services.AddMessageRequests();
        services.AddSingleton<IEventBus, InProcessEventBus>();
        services.AddNotifications();
        services.AddOptions<GatewayOptions>().BindConfiguration("Gateway");
        services.AddSingleton<ConnectionRegistry>();
        services.AddSingleton<MembershipCache>();
        services.AddSingleton<TypingTracker>();
        services.AddSingleton<EventReplay>();
        services.AddSingleton<GatewayDispatcher>();
        services.AddSingleton<Gateway>();
        services.AddHostedService<FanOut>();
        services.AddHostedService<EventPruner>();
        services.AddBuiltInGatewayRequests();
        return services;
    }

    public static IServiceCollection AddParleyOpenApi(this IServiceCollection services) => services.AddOpenApi();

    public static WebApplication MapParleyDocs(this WebApplication app)
    {
        app.MapOpenApi().AllowAnonymous();
        app.UseSwaggerUI(o =>
        {
            o.RoutePrefix = "docs";
            o.SwaggerEndpoint("/openapi/v1.json", "Parley API v1");
            o.DocumentTitle = "Parley API";
        });
        return app;
    }

    public static void LogListeningUrls(this WebApplication app) =>
        app.Lifetime.ApplicationStarted.Register(() =>
        {
            var addresses = app.Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>()
                .Features.Get<Microsoft.AspNetCore.Hosting.Server.Features.IServerAddressesFeature>()?.Addresses ?? [];
            foreach (var address in addresses) app.Logger.LogInformation("Parley is listening on {Url} (API docs at {Url}/docs)", address, address);
        });
}
