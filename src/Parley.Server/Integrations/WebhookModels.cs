using System.Text.Json;
using Parley.Server.Api;
using Parley.Server.Data;

namespace Parley.Server.Integrations;

public sealed record CreateWebhookRequest(string? Url, List<string>? Events, List<string>? ConversationIds, string? Secret);

public sealed record UpdateWebhookRequest(bool? Enabled);

public sealed class WebhookRow
{
    public string Id { get; set; } = "";
    public string Url { get; set; } = "";
    public string Events { get; set; } = "[]";
    public string? ConversationIds { get; set; }
    public string Secret { get; set; } = "";
    public bool Enabled { get; set; }
    public long Cursor { get; set; }
    public int Failures { get; set; }
    public long? DisabledAt { get; set; }
    public string CreatedBy { get; set; } = "";
    public long CreatedAt { get; set; }

    public string[] EventList => JsonSerializer.Deserialize<string[]>(Events) ?? [];
    public string[]? ConversationList => ConversationIds is null ? null : JsonSerializer.Deserialize<string[]>(ConversationIds);

    /// <summary>Whether an event of the log goes to this webhook: its type subscribed ("*" for all), and its conversation when the webhook names some.</summary>
    public bool Wants(string type, string? conversationId) =>
        EventList.Any(e => e == "*" || e == type) && (ConversationList is not { } only || (conversationId is not null && only.Contains(conversationId)));
}

/// <summary>A webhook as listed; the secret only in the answer to its creation.</summary>
public sealed record WebhookDto(string Id, string Url, IReadOnlyList<string> Events, IReadOnlyList<string>? ConversationIds, bool Enabled,
    int ConsecutiveFailures, DateTimeOffset? DisabledAt, long Cursor, string CreatedBy, DateTimeOffset CreatedAt, string? Secret = null)
{
    public static WebhookDto From(WebhookRow r, bool withSecret = false) => new(r.Id, r.Url, r.EventList, r.ConversationList, r.Enabled, r.Failures,
        r.DisabledAt is null ? null : Clock.ToTime(r.DisabledAt), r.Cursor, r.CreatedBy, Clock.ToTime(r.CreatedAt), withSecret ? r.Secret : null);
}

public sealed class DeliveryRow
{
    public string Id { get; set; } = "";
    public string WebhookId { get; set; } = "";
    public long EventCursor { get; set; }
    public string EventType { get; set; } = "";
    public string Body { get; set; } = "";
    public string Status { get; set; } = "";
    public int Attempts { get; set; }
    public int? ResponseCode { get; set; }
    public string? Error { get; set; }
    public long NextAttemptAt { get; set; }
    public long? LastAttemptAt { get; set; }
    public long CreatedAt { get; set; }
}

public sealed record DeliveryDto(string Id, string WebhookId, long EventCursor, string EventType, string Status, int Attempts, int? ResponseCode,
    string? Error, DateTimeOffset CreatedAt, DateTimeOffset? LastAttemptAt, DateTimeOffset? NextAttemptAt)
{
    public static DeliveryDto From(DeliveryRow d) => new(d.Id, d.WebhookId, d.EventCursor, d.EventType, d.Status, d.Attempts, d.ResponseCode, d.Error,
        Clock.ToTime(d.CreatedAt), d.LastAttemptAt is null ? null : Clock.ToTime(d.LastAttemptAt),
        d.Status == DeliveryStatus.Pending ? Clock.ToTime(d.NextAttemptAt) : null);
}

public static class DeliveryStatus
{
    public const string Pending = "pending";
    public const string Succeeded = "succeeded";
    public const string Failed = "failed";
}

public static class WebhookEventTypes
{
    /// <summary>To the administrator who created the webhook: {webhookId, url, failures}. Sent when a run of failures disabled it.</summary>
    public const string WebhookDisabled = "webhook:disabled";
}

public sealed record WebhookDisabledEvent(string WebhookId, string Url, int Failures);

/// <summary>Webhooks:* settings.</summary>
public sealed class WebhookOptions
{
    /// <summary>Deliver to loopback and private addresses too (off: the same refusals as link previews).</summary>
    public bool AllowPrivateAddresses { get; set; }
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);
    /// <summary>The first retry's wait; each further one waits twice as long, at most <see cref="RetryMaxDelay"/>.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(10);
    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromHours(1);
    /// <summary>A delivery still failing this long after its event is given up (status failed).</summary>
    public TimeSpan MaxRetryAge { get; set; } = TimeSpan.FromHours(24);
    /// <summary>Consecutive failed attempts that disable the webhook.</summary>
    public int DisableAfterFailures { get; set; } = 10;
    /// <summary>How long one node holds a webhook's delivery lease without renewing it (a crashed node's webhooks move on after it).</summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(30);
    /// <summary>The fallback poll; new events wake the deliverer at once through the bus.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(5);
}

public static class WebhookRules
{
    public const int MaxEvents = 50, MaxConversations = 100;

    public static Outcome<CreateWebhookRequest> Validate(CreateWebhookRequest r)
    {
        var v = new Validator();
        v.Check(r.Url is { Length: <= 2048 } url && Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" && uri.UserInfo.Length == 0,
            "url", "url must be an absolute http(s) URL of at most 2,048 characters, without credentials");
        v.Check(r.Events is { Count: > 0 and <= MaxEvents } events && events.All(IsEventName), "events",
            $"events is a list of 1 to {MaxEvents} event types (\"message:new\", or \"*\" for all)");
        v.Check(r.ConversationIds is null || (r.ConversationIds.Count is > 0 and <= MaxConversations && r.ConversationIds.All(id => id is not null && Guid.TryParseExact(id, "D", out _))),
            "conversationIds", $"conversationIds is 1 to {MaxConversations} conversation ids, or left out for all");
        v.Check(r.Secret is null || r.Secret.Length is >= 16 and <= 256, "secret", "secret must be 16 to 256 characters");
        return v.Failed ? v.ToFailure() : r;
    }

    private static bool IsEventName(string? name) =>
        name is { Length: > 0 and <= 64 } && !name.StartsWith(Events.ChatEvent.InternalPrefix, StringComparison.Ordinal)
        && name.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is ':' or '_' or '.' or '-' or '*');
}
