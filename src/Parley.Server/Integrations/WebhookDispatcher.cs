using System.Threading.Channels;
using Dapper;
using Microsoft.Extensions.Options;
using Parley.Server.Data;
using Parley.Server.Events;

namespace Parley.Server.Integrations;

/// <summary>
/// Delivers every webhook's events, on whichever node holds its lease: at least once, in cursor order per webhook (a
/// failing delivery holds back the ones after it), with exponential backoff up to Webhooks:MaxRetryAge; a run of
/// Webhooks:DisableAfterFailures failed attempts disables the webhook and tells its creator (webhook:disabled). Woken
/// by the bus when events are committed on any node; polls every Webhooks:PollInterval as a fallback and for retries.
/// </summary>
public sealed partial class WebhookDispatcher(WebhookStore store, WebhookSender sender, EventScope scope, IEventBus bus, NodeId node,
    IOptions<WebhookOptions> options, ILogger<WebhookDispatcher> logger) : BackgroundService
{
    private const int FillBatch = 200;
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly string _node = node.Value.ToString("N");
    private WebhookOptions Options => options.Value;

    /// <summary>Something to deliver may have appeared (an event, a redelivery, a webhook enabled).</summary>
    public void Wake() => _wake.Writer.TryWrite(true);

    protected override async Task ExecuteAsync(CancellationToken ct)
    {
        bus.Subscribe(e =>
        {
            if (!e.IsEphemeral) Wake();
            return ValueTask.CompletedTask;
        });
        while (!ct.IsCancellationRequested)
        {
            var next = Clock.NowMs() + (long)Options.PollInterval.TotalMilliseconds;
            try
            {
                var ids = await store.EnabledIdsAsync(ct);
                var dues = await Task.WhenAll(ids.Select(id => PumpAsync(id, ct)));
                next = dues.Where(d => d is not null).Select(d => d!.Value).DefaultIfEmpty(next).Min(d => Math.Min(d, next));
            }
            catch (Exception e) when (!ct.IsCancellationRequested)
            {
                LogFailed(logger, e);
            }
            var wait = TimeSpan.FromMilliseconds(Math.Max(0, next - Clock.NowMs()));
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(wait);
            try { await _wake.Reader.WaitToReadAsync(timeout.Token); }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested) { }
            _wake.Reader.TryRead(out _);
        }
    }

    public override async Task StopAsync(CancellationToken ct)
    {
        await base.StopAsync(ct);
        try { await store.ReleaseAsync(_node); }
        catch (Exception e) { LogFailed(logger, e); }
    }

    /// <summary>Delivers what is due for one webhook if this node holds (or takes) its lease; when to come back, or null when idle.</summary>
    private async Task<long?> PumpAsync(string webhookId, CancellationToken ct)
    {
        for (var round = 0; round < 1000 && !ct.IsCancellationRequested; round++)
        {
            if (!await store.TryLeaseAsync(webhookId, _node, Options.LeaseDuration, ct)) return null;
            if (await store.NextPendingAsync(webhookId, ct) is not { } delivery)
            {
                if (await store.FillAsync(webhookId, _node, FillBatch, ct) < 0) return null;
                continue;
            }
            if (delivery.NextAttemptAt > Clock.NowMs()) return delivery.NextAttemptAt;
            if (await store.GetAsync(webhookId, ct) is not { Enabled: true } hook) return null;
            var result = await sender.SendAsync(hook, delivery, ct);
            if (await RecordAsync(hook, delivery, result, ct) is { } retryAt) return retryAt;
        }
        return Clock.NowMs();
    }

    /// <summary>Stores the attempt; the time of the retry when the delivery stays pending and holds the line, else null.</summary>
    private Task<long?> RecordAsync(WebhookRow hook, DeliveryRow d, AttemptResult result, CancellationToken ct) => scope.WriteAsync<long?>(async batch =>
    {
        var (connection, tx) = (batch.Connection, batch.Transaction);
        var now = Clock.NowMs();
        var attempts = d.Attempts + 1;
        var giveUp = !result.Succeeded && now - d.CreatedAt >= (long)Options.MaxRetryAge.TotalMilliseconds;
        var status = result.Succeeded ? DeliveryStatus.Succeeded : giveUp ? DeliveryStatus.Failed : DeliveryStatus.Pending;
        var delay = Math.Min(Options.RetryBaseDelay.TotalMilliseconds * Math.Pow(2, Math.Min(attempts - 1, 30)), Options.RetryMaxDelay.TotalMilliseconds);
        var retryAt = now + (long)delay;
        await connection.ExecuteAsync(
            """
            UPDATE webhook_deliveries SET status = @status, attempts = @attempts, response_code = @code, error = @error,
                last_attempt_at = @now, next_attempt_at = @retryAt WHERE id = @id
            """, new { status, attempts, code = result.ResponseCode, error = result.Error, now, retryAt, id = d.Id }, tx);
        if (result.Succeeded)
        {
            await connection.ExecuteAsync("UPDATE webhooks SET failures = 0 WHERE id = @id", new { id = hook.Id }, tx);
            return null;
        }
        var failures = await connection.ExecuteScalarAsync<int>(
            "UPDATE webhooks SET failures = failures + 1 WHERE id = @id RETURNING failures", new { id = hook.Id }, tx);
        if (failures >= Options.DisableAfterFailures)
        {
            await connection.ExecuteAsync("UPDATE webhooks SET enabled = @no, disabled_at = @now WHERE id = @id", new { id = hook.Id, now, no = false }, tx);
            await batch.AppendAsync(WebhookEventTypes.WebhookDisabled, null, hook.CreatedBy, new WebhookDisabledEvent(hook.Id, hook.Url, failures));
            return null;
        }
        return giveUp ? null : retryAt;
    }, ct);

    [LoggerMessage(LogLevel.Warning, "Webhook delivery pass failed")]
    private static partial void LogFailed(ILogger logger, Exception e);
}
