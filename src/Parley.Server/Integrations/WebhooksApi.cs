using System.Security.Claims;
using System.Security.Cryptography;
using Parley.Server.Api;
using Parley.Server.Events;
using Parley.Server.Moderation;
using Parley.Server.Safety;

namespace Parley.Server.Integrations;

/// <summary>/api/admin/webhooks: server administrators subscribe URLs to events; each creation and deletion audited.</summary>
public static class WebhooksApi
{
    public static RouteGroupBuilder MapWebhooks(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/admin/webhooks").WithTags("Admin").AdminOnly();
        group.MapPost("/", Create);
        group.MapGet("/", async (WebhookStore store, CancellationToken ct) =>
            Ok.With((await store.ListAsync(ct)).Select(w => WebhookDto.From(w)).ToList(), "Webhooks retrieved"));
        group.MapGet("/{id}", async (string id, WebhookStore store, CancellationToken ct) =>
            await store.GetAsync(id, ct) is { } hook ? Ok.With(WebhookDto.From(hook), "Webhook retrieved") : NotFound.ToResult());
        group.MapPut("/{id}", Update);
        group.MapDelete("/{id}", Delete);
        group.MapGet("/{id}/deliveries", Deliveries);
        group.MapPost("/{id}/deliveries/{deliveryId}/redeliver", async (string id, string deliveryId, WebhookStore store, WebhookDispatcher dispatcher,
            CancellationToken ct) =>
        {
            if (await store.RedeliverAsync(id, deliveryId, ct) is not { } copy) return Failure.NotFound("Delivery not found").ToResult();
            dispatcher.Wake();
            return Ok.Created(DeliveryDto.From(copy), "Delivery queued again");
        });
        return api;
    }

    private static readonly Failure NotFound = Failure.NotFound("Webhook not found");

    private static async Task<IResult> Create(Body<CreateWebhookRequest> body, ClaimsPrincipal user, WebhookStore store, EventScope scope, WebhookDispatcher dispatcher,
        CancellationToken ct)
    {
        var valid = WebhookRules.Validate(body.Value);
        if (!valid.Ok) return valid.Error!.ToResult();
        var secret = body.Value.Secret ?? "whsec_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        var row = await scope.WriteAsync(async batch =>
        {
            var created = await store.InsertAsync(batch, valid.Value!, secret, user.Id());
            await AuditLog.RecordAsync(batch, user.Id(), AuditActions.WebhookCreated, "webhook", created.Id, reason: created.Url);
            return created;
        }, ct);
        dispatcher.Wake();
        return Ok.Created(WebhookDto.From(row, withSecret: true), "Webhook created; its secret is shown only now");
    }

    /// <summary>Enables a webhook again (say, after failures disabled it), or pauses it.</summary>
    private static async Task<IResult> Update(string id, Body<UpdateWebhookRequest> body, WebhookStore store, WebhookDispatcher dispatcher, CancellationToken ct)
    {
        if (body.Value.Enabled is not { } enabled) return Failure.Invalid("enabled", "enabled (true or false) is required").ToResult();
        if (await store.GetAsync(id, ct) is null) return NotFound.ToResult();
        await store.SetEnabledAsync(id, enabled, ct);
        dispatcher.Wake();
        return Ok.With(WebhookDto.From((await store.GetAsync(id, ct))!), enabled ? "Webhook enabled" : "Webhook disabled");
    }

    private static async Task<IResult> Delete(string id, ClaimsPrincipal user, EventScope scope, CancellationToken ct)
    {
        var deleted = await scope.WriteAsync(async batch =>
        {
            if (!await WebhookStore.DeleteAsync(batch, id)) return false;
            await AuditLog.RecordAsync(batch, user.Id(), AuditActions.WebhookDeleted, "webhook", id);
            return true;
        }, ct);
        return deleted ? Ok.With(new { id, deleted = true }, "Webhook deleted") : NotFound.ToResult();
    }

    private static async Task<IResult> Deliveries(string id, string? before, int? limit, WebhookStore store, CancellationToken ct)
    {
        if (await store.GetAsync(id, ct) is null) return NotFound.ToResult();
        var rows = await store.DeliveriesAsync(id, before, Math.Clamp(limit ?? Paging.DefaultLimit, 1, Paging.MaxLimit), ct);
        return Ok.With(rows.Select(DeliveryDto.From).ToList(), "Deliveries retrieved");
    }
}

public static class IntegrationsSetup
{
    public static IServiceCollection AddIntegrations(this IServiceCollection services)
    {
        services.AddSingleton<ApiKeyService>();
        services.AddSingleton<AppsService>();
        services.AddOptions<WebhookOptions>().BindConfiguration("Webhooks");
        services.AddSingleton<WebhookStore>();
        services.AddSingleton<WebhookSender>();
        services.AddSingleton<WebhookDispatcher>();
        services.AddHostedService(sp => sp.GetRequiredService<WebhookDispatcher>());
        services.AddEventType<WebhookDisabledEvent>(WebhookEventTypes.WebhookDisabled, "Personal, to its creator: failures in a row disabled a webhook");
        return services;
    }
}
