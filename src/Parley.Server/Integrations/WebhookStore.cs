using System.Text;
using System.Text.Json;
using Dapper;
using Parley.Server.Data;
using Parley.Server.Events;

namespace Parley.Server.Integrations;

/// <summary>
/// The webhooks' SQL. Each webhook has a cursor into the event log: its events become delivery rows (with the body to
/// send) in the transaction that moves the cursor, so nothing is skipped or doubled across restarts. The node that
/// holds a webhook's lease (<see cref="TryLeaseAsync"/>) is the only one that fills and delivers it.
/// </summary>
public sealed class WebhookStore(Db db, EventReplay replay)
{
    private const string Columns = "id, url, events, conversation_ids, secret, enabled, cursor, failures, disabled_at, created_by, created_at";
    private const string DeliveryColumns =
        "id, webhook_id, event_cursor, event_type, body, status, attempts, response_code, error, next_attempt_at, last_attempt_at, created_at";

    public Db Db => db;

    public async Task<WebhookRow> InsertAsync(EventBatch batch, CreateWebhookRequest r, string secret, string adminId)
    {
        var row = new WebhookRow
        {
            Id = Guid.CreateVersion7().ToString(), Url = r.Url!, Events = JsonSerializer.Serialize(r.Events!.Distinct()),
            ConversationIds = r.ConversationIds is null ? null : JsonSerializer.Serialize(r.ConversationIds.Distinct()), Secret = secret,
            Enabled = true, Cursor = await replay.HeadAsync(), CreatedBy = adminId, CreatedAt = Clock.NowMs(),
        };
        await batch.Connection.ExecuteAsync(
            """
            INSERT INTO webhooks (id, url, events, conversation_ids, secret, enabled, cursor, created_by, created_at)
            VALUES (@Id, @Url, @Events, @ConversationIds, @Secret, @Enabled, @Cursor, @CreatedBy, @CreatedAt)
            """, row, batch.Transaction);
        return row;
    }

    public async Task<List<WebhookRow>> ListAsync(CancellationToken ct = default)
    {
        await using var connection = await db.OpenAsync(ct);
        return (await connection.QueryAsync<WebhookRow>($"SELECT {Columns} FROM webhooks ORDER BY id")).AsList();
    }

    public async Task<WebhookRow?> GetAsync(string id, CancellationToken ct = default)
    {
        await using var connection = await db.OpenAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<WebhookRow>($"SELECT {Columns} FROM webhooks WHERE id = @id", new { id });
    }

    public static async Task<bool> DeleteAsync(EventBatch batch, string id)
    {
        await batch.Connection.ExecuteAsync("DELETE FROM webhook_deliveries WHERE webhook_id = @id", new { id }, batch.Transaction);
        return await batch.Connection.ExecuteAsync("DELETE FROM webhooks WHERE id = @id", new { id }, batch.Transaction) > 0;
    }

    public Task SetEnabledAsync(string id, bool enabled, CancellationToken ct) => db.WriteAsync((connection, tx) => connection.ExecuteAsync(
        "UPDATE webhooks SET enabled = @enabled, failures = 0, disabled_at = NULL WHERE id = @id", new { id, enabled }, tx), ct);

    public async Task<List<DeliveryRow>> DeliveriesAsync(string webhookId, string? before, int limit, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        return (await connection.QueryAsync<DeliveryRow>(
            $"SELECT {DeliveryColumns} FROM webhook_deliveries WHERE webhook_id = @webhookId AND (@before IS NULL OR id < @before) ORDER BY id DESC LIMIT @limit",
            new { webhookId, before, limit })).AsList();
    }

    /// <summary>Queues the delivery's body again, after whatever is pending (its event keeps its cursor).</summary>
    public Task<DeliveryRow?> RedeliverAsync(string webhookId, string deliveryId, CancellationToken ct) => db.WriteAsync(async (connection, tx) =>
    {
        var old = await connection.QuerySingleOrDefaultAsync<DeliveryRow>(
            $"SELECT {DeliveryColumns} FROM webhook_deliveries WHERE id = @deliveryId AND webhook_id = @webhookId", new { deliveryId, webhookId }, tx);
        if (old is null) return null;
        var now = Clock.NowMs();
        var copy = new DeliveryRow
        {
            Id = Guid.CreateVersion7().ToString(), WebhookId = webhookId, EventCursor = old.EventCursor, EventType = old.EventType,
            Body = old.Body, Status = DeliveryStatus.Pending, NextAttemptAt = now, CreatedAt = now
        };
        await InsertDeliveryAsync(connection, tx, copy);
        return copy;
    }, ct);

    private static Task InsertDeliveryAsync(System.Data.Common.DbConnection connection, System.Data.Common.DbTransaction tx, DeliveryRow d) => connection.ExecuteAsync(
        """
        INSERT INTO webhook_deliveries (id, webhook_id, event_cursor, event_type, body, status, attempts, next_attempt_at, created_at)
        VALUES (@Id, @WebhookId, @EventCursor, @EventType, @Body, @Status, 0, @NextAttemptAt, @CreatedAt)
        """, d, tx);

    public async Task<List<string>> EnabledIdsAsync(CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        return (await connection.QueryAsync<string>("SELECT id FROM webhooks WHERE enabled = @yes ORDER BY id", new { yes = true })).AsList();
    }

    /// <summary>Takes or renews this node's lease on the webhook; false when another node holds it, or it is disabled or gone.</summary>
    public Task<bool> TryLeaseAsync(string id, string node, TimeSpan duration, CancellationToken ct) => db.WriteAsync(async (connection, tx) =>
    {
        var now = Clock.NowMs();
        return await connection.ExecuteAsync(
            """
            UPDATE webhooks SET lease_owner = @node, lease_until = @until
            WHERE id = @id AND enabled = @yes AND (lease_owner = @node OR lease_until < @now)
            """, new { id, node, until = now + (long)duration.TotalMilliseconds, now, yes = true }, tx) > 0;
    }, ct);

    /// <summary>At shutdown: the next node takes over at once instead of after the lease runs out.</summary>
    public Task ReleaseAsync(string node) => db.WriteAsync((connection, tx) =>
        connection.ExecuteAsync("UPDATE webhooks SET lease_until = 0 WHERE lease_owner = @node", new { node }, tx));

    public async Task<DeliveryRow?> NextPendingAsync(string webhookId, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        return await connection.QueryFirstOrDefaultAsync<DeliveryRow>(
            $"SELECT {DeliveryColumns} FROM webhook_deliveries WHERE webhook_id = @webhookId AND status = @pending ORDER BY id LIMIT 1",
            new { webhookId, pending = DeliveryStatus.Pending });
    }

    /// <summary>
    /// Turns the next events after the webhook's cursor (up to the log's settled head) into pending deliveries and moves
    /// the cursor past them, in one transaction, while this node holds the lease. The number of deliveries made, or
    /// -1 when there was nothing new to read.
    /// </summary>
    public async Task<int> FillAsync(string webhookId, string node, int batchSize, CancellationToken ct)
    {
        var head = await replay.HeadAsync(ct);
        return await db.WriteAsync(async (connection, tx) =>
        {
            var hook = await connection.QuerySingleOrDefaultAsync<WebhookRow>(
                $"SELECT {Columns} FROM webhooks WHERE id = @webhookId AND lease_owner = @node", new { webhookId, node }, tx);
            if (hook is null || hook.Cursor >= head) return -1;
            var events = (await connection.QueryAsync<(long Id, string Type, string? ConversationId, string? UserId, string Data, long CreatedAt)>(
                "SELECT id, type, conversation_id, user_id, data, created_at FROM events WHERE id > @cursor AND id <= @head ORDER BY id LIMIT @batchSize",
                new { cursor = hook.Cursor, head, batchSize }, tx)).AsList();
            if (events.Count == 0)
            {
                await connection.ExecuteAsync("UPDATE webhooks SET cursor = @head WHERE id = @webhookId", new { head, webhookId }, tx);
                return -1;
            }
            var now = Clock.NowMs();
            var made = 0;
            foreach (var e in events.Where(e => hook.Wants(e.Type, e.ConversationId)))
            {
                await InsertDeliveryAsync(connection, tx, new DeliveryRow
                {
                    Id = Guid.CreateVersion7().ToString(), WebhookId = webhookId, EventCursor = e.Id,
                    EventType = e.Type, Body = Body(webhookId, e.Id, e.Type, e.ConversationId, e.UserId, e.Data, e.CreatedAt), Status = DeliveryStatus.Pending,
                    NextAttemptAt = now, CreatedAt = now
                });
                made++;
            }
            await connection.ExecuteAsync("UPDATE webhooks SET cursor = @cursor WHERE id = @webhookId", new { cursor = events[^1].Id, webhookId }, tx);
            return made;
        }, ct);
    }

    /// <summary>What a receiver gets: the event as the log holds it, with the webhook it came through.</summary>
    private static string Body(string webhookId, long cursor, string type, string? conversationId, string? userId, string data, long createdAt)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream))
        {
            w.WriteStartObject();
            w.WriteString("webhookId", webhookId);
            w.WriteNumber("cursor", cursor);
            w.WriteString("type", type);
            w.WriteString("conversationId", conversationId);
            w.WriteString("userId", userId);
            w.WriteString("createdAt", Clock.ToTime(createdAt));
            w.WritePropertyName("data");
            w.WriteRawValue(data);
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray());
    }
}
