using System.Text.Json;
using System.Threading.Channels;
using Dapper;
using Microsoft.Extensions.Options;
using Parley.Server.Api;
using Parley.Server.Conversations;
using Parley.Server.Data;
using Parley.Server.Messages;
using Parley.Server.Presence;

namespace Parley.Server.Push;

/// <summary>What a push says: small (push services take 4 KB), enough for the notification and the click.</summary>
public sealed record PushPayload(string Type, string ConversationId, string MessageId, string SenderId, string Title, string Body, bool Mention, string Url);

/// <summary>
/// After a message is sent (on the node that took it, so each is pushed once), pushes it to the conversation's other
/// members who have no live socket anywhere (or, with Push:IdleSeconds, did nothing anywhere for that long), unless
/// they muted the conversation or blocked the sender. Thread-only replies and system messages push nobody. A
/// subscription the push service calls gone (404/410) is deleted.
/// </summary>
public sealed partial class PushWorker(PushSender sender, PushSubscriptions subscriptions, PresenceTracker presence, UserActivity activity, Db db,
    IOptions<PushOptions> options, ILogger<PushWorker> logger) : BackgroundService, IMessageSentListener
{
    private const int PreviewLength = 120;

    private readonly Channel<(MessageDto Message, string ConversationType)> _queue = Channel.CreateBounded<(MessageDto, string)>(
        new BoundedChannelOptions(Math.Max(1, options.Value.QueueSize)) { FullMode = BoundedChannelFullMode.DropWrite });

    public void MessageSent(MessageDto message, string conversationType)
    {
        if (!options.Value.Enabled || message.Type == MessageTypes.System || message.AlsoInConversation == false) return;
        _queue.Writer.TryWrite((message, conversationType));
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(Enumerable.Range(0, Math.Max(1, options.Value.Concurrency)).Select(_ => Task.Run(() => RunAsync(stoppingToken), stoppingToken)));

    private async Task RunAsync(CancellationToken ct)
    {
        await foreach (var (message, type) in _queue.Reader.ReadAllAsync(ct))
        {
            try { await PushAsync(message, type, ct); }
            catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                LogFailed(logger, e, message.Id);
            }
        }
    }

    private async Task PushAsync(MessageDto message, string conversationType, CancellationToken ct)
    {
        var targets = await TargetsAsync(message, ct);
        if (targets.Count == 0) return;
        var online = await presence.OnlineAsync(targets.Select(t => t.UserId).Distinct(), ct);
        var idle = await activity.IdleAsync(online, ct);
        foreach (var target in targets.Where(t => !online.Contains(t.UserId) || idle.Contains(t.UserId)))
        {
            var mention = message.Content is { } text && text.Contains('@' + target.Username, StringComparison.OrdinalIgnoreCase);
            var payload = JsonSerializer.Serialize(Payload(message, conversationType, target, mention), JsonSetup.Default);
            var (result, status) = await sender.SendAsync(target, payload, urgent: mention || conversationType == ConversationTypes.Direct, ct);
            if (result == PushResult.Gone) await subscriptions.ForgetAsync(target.Id);
            else if (result == PushResult.Failed) LogRefused(logger, target.Id, status);
        }
    }

    private PushPayload Payload(MessageDto message, string conversationType, PushTarget target, bool mention)
    {
        var senderName = message.Sender.Name;
        var place = target.ConversationName is { Length: > 0 } name ? name : "a group";
        var title = conversationType == ConversationTypes.Direct ? senderName
            : mention ? $"{senderName} mentioned you in {place}" : $"{senderName} in {place}";
        var body = !options.Value.IncludePreview ? "New message"
            : message.Type == MessageTypes.Text && !string.IsNullOrEmpty(message.Content) ? Shorten(message.Content)
            : message.Type == MessageTypes.File ? "Sent a file" : "Sent a message";
        return new PushPayload("message", message.ConversationId, message.Id, message.SenderId, title, body, mention,
            $"/#/c/{Uri.EscapeDataString(message.ConversationId)}");
    }

    private static string Shorten(string text) => text.Length <= PreviewLength ? text : string.Concat(text.AsSpan(0, PreviewLength - 1), "…");

    /// <summary>The subscriptions of the other members, less those who muted the conversation or blocked the sender.</summary>
    private async Task<List<PushTarget>> TargetsAsync(MessageDto message, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        var muted = db.IsSqlite ? "m.muted = 1" : "m.muted";
        return (await connection.QueryAsync<PushTarget>(
            $"""
            SELECT s.id, s.user_id, s.endpoint, s.p256dh, s.auth, s.created_at, u.username, COALESCE(c.name, '') AS conversation_name
            FROM members m
            JOIN push_subscriptions s ON s.user_id = m.user_id
            JOIN users u ON u.id = m.user_id
            JOIN conversations c ON c.id = m.conversation_id
            WHERE m.conversation_id = @ConversationId AND m.user_id <> @SenderId
              AND NOT ({muted} AND (m.muted_until IS NULL OR m.muted_until > @now))
              AND NOT EXISTS (SELECT 1 FROM user_blocks b WHERE b.blocker_id = m.user_id AND b.blocked_id = @SenderId)
            """, new { message.ConversationId, message.SenderId, now = Clock.NowMs() })).AsList();
    }

    [LoggerMessage(LogLevel.Error, "Pushing message {MessageId} failed")]
    private static partial void LogFailed(ILogger logger, Exception error, string messageId);

    [LoggerMessage(LogLevel.Information, "A push to subscription {SubscriptionId} was not accepted (status {Status})")]
    private static partial void LogRefused(ILogger logger, string subscriptionId, int? status);
}

public sealed class PushTarget : PushSubscriptionRow
{
    public string Username { get; set; } = "";
    public string ConversationName { get; set; } = "";
}
