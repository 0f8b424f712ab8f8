using Parley.Server.Agents;
using Parley.Server.Api;
using Parley.Server.Auth;
using Parley.Server.Conversations;
using Parley.Server.Events;
using Parley.Server.Messages;
using Parley.Server.Notifications;
using Parley.Server.Pins;
using Parley.Server.Presence;
using Parley.Server.Previews;
using Parley.Server.Push;
using Parley.Server.Reactions;
using Parley.Server.Realtime;
using Parley.Server.Safety;
using Parley.Server.Search;
using Parley.Server.Threads;
using Parley.Server.Unread;
using Parley.Server.Uploads;
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
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Limits.MaxRequestBodySize = builder.Configuration.GetValue("Limits:MaxRequestBodyBytes", 1L << 20);
            var (http, sockets) = ConnectionLimits(builder.Configuration);
            k.Limits.MaxConcurrentConnections = http;
            k.Limits.MaxConcurrentUpgradedConnections = sockets;
            // Kestrel's own refusals of a first request line get the envelope (RequestLineGuard); most gateway sockets
            // are accepted ahead of HTTP, so an idle socket keeps no HTTP request state alive.
            k.ConfigureEndpointDefaults(listen => listen.UseRequestLineGuard().UseGatewayHandshake());
        });
        builder.Services.AddSingleton(sp => new SocketSlots(ConnectionLimits(sp.GetRequiredService<IConfiguration>()).Sockets));
        builder.Services.AddHealthChecks();
        // Handled 4xx exceptions (bad JSON, 413) are answered, not errors; real 500s are logged by UseParleyErrors.
        builder.Logging.AddFilter("Microsoft.AspNetCore.Diagnostics.ExceptionHandlerMiddleware", LogLevel.None);
        return builder;
    }

    /// <summary>
    /// Caps that stay under the process's open-file limit: past it accept() fails in a loop and the server degrades
    /// for everyone; below it, extra connections are refused cleanly and the rest keep working. WebSockets leave the
    /// HTTP connection count once upgraded, so the two caps together stay under the limit.
    /// </summary>
    private static (long Http, long Sockets) ConnectionLimits(IConfiguration configuration)
    {
        var files = OpenFileLimit();
        var http = configuration.GetValue<long?>("Limits:MaxHttpConnections") ?? Math.Max(1024, files / 16);
        return (http, configuration.GetValue<long?>("Limits:MaxSockets") ?? files - http - 512);
    }

    /// <summary>The soft limit on open files (Linux /proc), or a generous default elsewhere.</summary>
    private static long OpenFileLimit()
    {
        const long fallback = 1_000_000;
        if (!OperatingSystem.IsLinux() || !File.Exists("/proc/self/limits")) return fallback;
        var line = File.ReadLines("/proc/self/limits").FirstOrDefault(l => l.StartsWith("Max open files", StringComparison.Ordinal));
        var soft = line?.Split(' ', StringSplitOptions.RemoveEmptyEntries).ElementAtOrDefault(3);
        return long.TryParse(soft, out var limit) && limit > 1024 ? limit : fallback;
    }

    public static IServiceCollection AddParleyFeatures(this IServiceCollection services)
    {
        services.AddSingleton<UserStore>();
        services.AddSingleton(TimeProvider.System);
        services.AddOptions<PresenceOptions>().BindConfiguration("Presence");
        services.AddSingleton<PresenceTracker>();
        services.AddOptions<PrivacyOptions>().BindConfiguration("Privacy");
        services.AddSingleton<UserPrivacy>();
        services.AddSingleton<PresenceService>();
        services.AddOptions<TypingOptions>().BindConfiguration("Gateway");
        services.AddSingleton<TypingTracker>();
        services.AddSingleton<TypingExpiry>();
        services.AddSingleton<IEphemeralExpiry>(sp => sp.GetRequiredService<TypingExpiry>());
        services.AddSingleton<IConnectionObserver, PresenceConnections>();
        services.AddOptions<UserActivityOptions>();
        services.AddSingleton<UserActivity>();
        services.AddPresenceRequests();
        services.AddPresenceEvents();
        services.AddAgents();
        services.AddSingleton<ConversationStore>();
        services.AddSingleton<ConversationViews>();
        services.AddSingleton<MembershipHooks>();
        services.AddSingleton<ConversationService>();
        services.AddConversationRequests();
        services.AddConversationEvents();
        services.AddSingleton<AccountService>();
        services.AddUploads();
        services.AddPreviews();
        services.AddWebPush();
        services.AddOptions<SendLimitOptions>().BindConfiguration("Limits");
        services.AddSingleton<SendLimiter>();
        services.AddSingleton<BlockList>();
        services.AddHostedService(sp => sp.GetRequiredService<BlockList>());
        services.AddSingleton<MessageService>();
        services.AddSingleton(MessageSearchIndex.Step);
        services.AddSingleton<IMembershipObserver, MembershipSystemMessages>();
        services.AddSingleton<MessageDecorators>();
        services.AddMessageRequests();
        services.AddMessageEvents();
        services.AddReactions();
        services.AddPins();
        services.AddMarkUnread();
        services.AddSearch();
        services.AddThreads();
        services.AddParleyEventBus();
        services.AddSingleton<EventScope>();
        services.AddOptions<EventLogOptions>().BindConfiguration("Gateway");
        services.AddNotifications();
        services.AddOptions<GatewayOptions>().BindConfiguration("Gateway");
        services.AddSingleton<ConnectionRegistry>();
        services.AddSingleton<ISocketDirectory>(sp => sp.GetRequiredService<ConnectionRegistry>());
        services.AddSingleton<MembershipCache>();
        services.AddSingleton<IConversationMembers>(sp => sp.GetRequiredService<MembershipCache>());
        services.AddSingleton<EventReplay>();
        services.AddSingleton<GatewayDispatcher>();
        services.AddSingleton<Gateway>();
        services.AddHostedService<FanOut>();
        // After the bus (AddParleyEventBus): it beats through the bus's Redis connection.
        services.AddHostedService<PresenceHeartbeat>();
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
