using Dapper;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;
using Parley.Server.Api;
using Parley.Server.Data;

namespace Parley.Server.Push;

/// <summary>A browser's PushSubscription as <c>JSON.stringify(subscription)</c> gives it.</summary>
public sealed record PushSubscriptionRequest(string? Endpoint, long? ExpirationTime, PushKeys? Keys);

public sealed record PushKeys(string? P256dh, string? Auth);

public sealed record PushSubscriptionView(string Id, string Endpoint, DateTimeOffset CreatedAt);

public sealed record PushKeyView(string PublicKey);

public class PushSubscriptionRow
{
    public string Id { get; set; } = "";
    public string UserId { get; set; } = "";
    public string Endpoint { get; set; } = "";
    public string P256dh { get; set; } = "";
    public string Auth { get; set; } = "";
    public long CreatedAt { get; set; }

    public PushSubscriptionView ToView() => new(Id, Endpoint, DateTimeOffset.FromUnixTimeMilliseconds(CreatedAt));
}

/// <summary>Who gets pushes where: subscribing takes an endpoint over (a shared browser now pushes to its new user).</summary>
public sealed class PushSubscriptions(Db db, IOptions<PushOptions> options)
{
    public const int MaxEndpointLength = 2048;

    public async Task<Outcome<PushSubscriptionView>> SubscribeAsync(string userId, PushSubscriptionRequest request, CancellationToken ct)
    {
        if (Validate(request) is { } invalid) return invalid;
        var row = new PushSubscriptionRow
        {
            Id = Guid.CreateVersion7().ToString(), UserId = userId, Endpoint = request.Endpoint!, P256dh = request.Keys!.P256dh!,
            Auth = request.Keys.Auth!, CreatedAt = Clock.NowMs(),
        };
        return await db.TryWriteAsync<PushSubscriptionView>(async (connection, tx) =>
        {
            var count = await connection.ExecuteScalarAsync<long>(
                "SELECT COUNT(*) FROM push_subscriptions WHERE user_id = @userId AND endpoint <> @endpoint", new { userId, endpoint = row.Endpoint }, tx);
            if (count >= options.Value.MaxSubscriptionsPerUser)
                return Failure.Conflict($"At most {options.Value.MaxSubscriptionsPerUser} push subscriptions per user: unsubscribe an old browser first");
            await connection.ExecuteAsync(
                """
                INSERT INTO push_subscriptions (id, user_id, endpoint, p256dh, auth, created_at) VALUES (@Id, @UserId, @Endpoint, @P256dh, @Auth, @CreatedAt)
                ON CONFLICT (endpoint) DO UPDATE SET user_id = excluded.user_id, p256dh = excluded.p256dh, auth = excluded.auth
                """, row, tx);
            var stored = await connection.QuerySingleAsync<PushSubscriptionRow>(
                "SELECT id, user_id, endpoint, p256dh, auth, created_at FROM push_subscriptions WHERE endpoint = @Endpoint", row, tx);
            return stored.ToView();
        }, ct);
    }

    public async Task<Outcome<bool>> UnsubscribeAsync(string userId, string? endpoint, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(endpoint)) return Failure.Invalid("endpoint", "endpoint is required");
        var deleted = await db.WriteAsync((connection, tx) => connection.ExecuteAsync(
            "DELETE FROM push_subscriptions WHERE endpoint = @endpoint AND user_id = @userId", new { endpoint, userId }, tx), ct);
        return deleted > 0 ? true : Failure.NotFound("No push subscription of yours has this endpoint");
    }

    public async Task<IReadOnlyList<PushSubscriptionView>> ListAsync(string userId, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        var rows = await connection.QueryAsync<PushSubscriptionRow>(
            "SELECT id, user_id, endpoint, p256dh, auth, created_at FROM push_subscriptions WHERE user_id = @userId ORDER BY created_at, id", new { userId });
        return [.. rows.Select(r => r.ToView())];
    }

    /// <summary>The push service said the subscription is gone (404 / 410).</summary>
    public Task ForgetAsync(string id) =>
        db.WriteAsync((connection, tx) => connection.ExecuteAsync("DELETE FROM push_subscriptions WHERE id = @id", new { id }, tx));

    private Failure? Validate(PushSubscriptionRequest request)
    {
        if (string.IsNullOrWhiteSpace(request.Endpoint)) return Failure.Invalid("endpoint", "endpoint is required");
        if (request.Endpoint.Length > MaxEndpointLength) return Failure.Invalid("endpoint", $"endpoint is longer than {MaxEndpointLength} characters");
        if (!Uri.TryCreate(request.Endpoint, UriKind.Absolute, out var url) || url.Scheme is not ("https" or "http") || !string.IsNullOrEmpty(url.UserInfo))
            return Failure.Invalid("endpoint", "endpoint must be an absolute https URL");
        if (url.Scheme == "http" && !options.Value.AllowPrivateAddresses) return Failure.Invalid("endpoint", "endpoint must be an https URL");
        if (!IsKey(request.Keys?.P256dh, 65, 0x04)) return Failure.Invalid("keys.p256dh", "keys.p256dh must be an uncompressed P-256 public key (65 bytes, base64url)");
        if (!IsKey(request.Keys?.Auth, 16, null)) return Failure.Invalid("keys.auth", "keys.auth must be a 16-byte secret (base64url)");
        return null;
    }

    private static bool IsKey(string? text, int length, byte? first)
    {
        if (string.IsNullOrEmpty(text) || text.Length > 200) return false;
        try
        {
            var bytes = WebEncoders.Base64UrlDecode(text.TrimEnd('='));
            return bytes.Length == length && (first is null || bytes[0] == first);
        }
        catch (FormatException)
        {
            return false;
        }
    }
}
