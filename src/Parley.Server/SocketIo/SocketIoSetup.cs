namespace Parley.Server.SocketIo;

/// <summary>The Socket.IO v4 endpoint at <c>/socket.io/</c> (Engine.IO protocol 4, Socket.IO protocol 5).</summary>
public static class SocketIoSetup
{
    public const string Path = "/socket.io";

    public static IServiceCollection AddSocketIo(this IServiceCollection services)
    {
        services.AddOptions<SocketIoOptions>().BindConfiguration("SocketIo").PostConfigure(o => o.ApplyTestMode());
        services.AddSingleton<EngineSessions>();
        services.AddSingleton<SocketProfiles>();
        CompatSocketProfile.AddCompatSocketProfiles(services);
        services.AddSingleton<NamespaceConnector>();
        services.AddSingleton<PollingTransport>();
        services.AddSingleton<WebSocketTransport>();
        services.AddSingleton<NodeDirectory>();
        services.AddHostedService(s => s.GetRequiredService<NodeDirectory>());
        services.AddSingleton<SessionForwarder>();
        services.AddSingleton<SocketIoEndpoint>();
        return services;
    }

    public static WebApplication MapSocketIo(this WebApplication app)
    {
        var endpoint = app.Services.GetRequiredService<SocketIoEndpoint>();
        app.Map(Path, endpoint.HandleAsync).AllowAnonymous().ExcludeFromDescription();
        app.Lifetime.ApplicationStopping.Register(() => app.Services.GetRequiredService<EngineSessions>().CloseAll("server shutting down"));
        return app;
    }
}
