using System.Security.Claims;
using Microsoft.Extensions.Options;
using Parley.Server.Api;
using Parley.Server.Messages;
using Parley.Server.Presence;

namespace Parley.Server.Push;

/// <summary>GET /api/push/key; GET / POST / DELETE /api/push/subscriptions.</summary>
public static class PushApi
{
    public static IServiceCollection AddWebPush(this IServiceCollection services)
    {
        services.AddOptions<PushOptions>().BindConfiguration(PushOptions.Section);
        services.AddOptions<UserActivityOptions>().Configure<IOptions<PushOptions>>((activity, push) =>
            activity.Window = push.Value.Enabled ? TimeSpan.FromSeconds(Math.Max(0, push.Value.IdleSeconds)) : TimeSpan.Zero);
        services.AddSingleton<VapidKeys>();
        services.AddSingleton<PushSubscriptions>();
        services.AddSingleton<PushSender>();
        services.AddSingleton<PushWorker>();
        services.AddSingleton<IMessageSentListener>(sp => sp.GetRequiredService<PushWorker>());
        services.AddHostedService(sp => sp.GetRequiredService<PushWorker>());
        return services;
    }

    public static async Task EnsureVapidKeysAsync(this WebApplication app) => await app.Services.GetRequiredService<VapidKeys>().LoadAsync();

    public static RouteGroupBuilder MapPush(this RouteGroupBuilder api)
    {
        var push = api.MapGroup("/push").WithTags("Push");
        push.MapGet("/key", (VapidKeys keys) => Ok.With(new PushKeyView(keys.PublicKey), "Application server key"));
        push.MapGet("/subscriptions", async (ClaimsPrincipal user, PushSubscriptions subscriptions, CancellationToken ct) =>
            Ok.With(await subscriptions.ListAsync(user.Id(), ct), "Push subscriptions retrieved"));
        push.MapPost("/subscriptions", async (Body<PushSubscriptionRequest> body, ClaimsPrincipal user, PushSubscriptions subscriptions, CancellationToken ct) =>
            (await subscriptions.SubscribeAsync(user.Id(), body.Value, ct)).ToResult(s => Ok.Created(s, "Subscribed to push")));
        push.MapDelete("/subscriptions", async (string? endpoint, HttpRequest request, ClaimsPrincipal user, PushSubscriptions subscriptions, CancellationToken ct) =>
            (await subscriptions.UnsubscribeAsync(user.Id(), endpoint ?? await EndpointInBodyAsync(request, ct), ct))
            .ToResult(_ => Ok.With(new { unsubscribed = true }, "Unsubscribed from push")));
        return api;
    }

    /// <summary>The browser's unsubscribe sends the subscription as the body; <c>?endpoint=</c> works too.</summary>
    private static async Task<string?> EndpointInBodyAsync(HttpRequest request, CancellationToken ct)
    {
        if (request.ContentLength is 0 || !request.HasJsonContentType()) return null;
        try
        {
            var body = await request.ReadFromJsonAsync<PushSubscriptionRequest>(ct);
            return body?.Endpoint;
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }
}
