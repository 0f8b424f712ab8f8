using Dapper;
using Parley.Server.Api;
using Parley.Server.Data;
using Parley.Server.Events;
using Parley.Server.Safety;
using Parley.Server.Users;

namespace Parley.Server.Presence;

public sealed record StatusDto(string UserId, string Status, DateTimeOffset? LastSeenAt, bool Online);

public sealed record PresencePayload(string? ConversationId, string UserId, string Status, DateTimeOffset? LastSeenAt);

/// <summary>
/// Presence from sockets and manual statuses. Every change others can see is published as an ephemeral
/// <c>presence</c> event to each user who shares a conversation with the user, and to nobody else; with
/// several nodes, once, by the node where the change was decided (see <see cref="PresenceTracker"/>).
/// </summary>
public sealed partial class PresenceService(PresenceTracker tracker, UserStore users, UserPrivacy privacy, Db db, IEventBus bus, ILogger<PresenceService> logger)
{
    private const string Others = "";

    public async Task ConnectedAsync(string userId)
    {
        if (await tracker.ConnectedAsync(userId)) await CameOnlineAsync(userId);
    }

    /// <summary>Tells the user's contacts they are online (unless a manual status says otherwise).</summary>
    public async Task CameOnlineAsync(string userId)
    {
        if (await users.GetAsync(userId) is { Status: null } user) await PublishAsync(user, online: true);
    }

    public void Disconnected(string userId) => tracker.Disconnected(userId, () => _ = WentOfflineAsync(userId));

    /// <summary>Records when the user was last seen and tells their contacts they are offline.</summary>
    public async Task WentOfflineAsync(string userId)
    {
        try
        {
            // While invisible, the last-seen time is not moved: it would tell others when the user was around.
            await using (var connection = await db.OpenAsync())
                await connection.ExecuteAsync("UPDATE users SET last_seen_at = @now WHERE id = @userId AND (status IS NULL OR status <> 'invisible')",
                    new { userId, now = Clock.NowMs() });
            if (await users.GetAsync(userId) is { Status: null } user) await PublishAsync(user, online: false);
        }
        catch (Exception e)
        {
            LogOfflineFailed(logger, e, userId);
        }
    }

    public async Task<Outcome<StatusDto>> SetStatusAsync(string callerId, StatusRequest request, CancellationToken ct)
    {
        if (request.UserId is { Length: > 0 } target && target != callerId)
            return Failure.Forbidden("You can only set your own status");
        var status = StatusRules.Normalize(request.Status);
        if (!status.Ok) return status.Error!;
        if (await users.GetAsync(callerId, ct) is not { IsDeleted: false } user) return Failure.UserNotFound;
        var connected = await tracker.IsOnlineAsync(callerId, ct);
        var before = PresenceTracker.StatusOf(user, Others, connected);
        user.Status = status.Value;
        await users.SetStatusAsync(callerId, user.Status, ct);
        if (PresenceTracker.StatusOf(user, Others, connected) != before) await PublishAsync(user, connected, ct);
        return View(user, callerId, connected);
    }

    public async Task<Outcome<StatusDto>> GetAsync(string userId, string viewerId, CancellationToken ct)
    {
        if (await users.GetAsync(userId, ct) is not { } user) return Failure.UserNotFound;
        // Presence is for people who share a conversation, as presence events are; anyone else sees none.
        if (user.Id != viewerId && user.Kind != UserKinds.Agent && !(await privacy.ContactsAsync(viewerId, [user.Id], ct)).Contains(user.Id))
            return new StatusDto(user.Id, "offline", null, false);
        return View(user, viewerId, !user.IsDeleted && await tracker.IsOnlineAsync(user.Id, ct));
    }

    private StatusDto View(UserRow user, string viewerId, bool connected)
    {
        var status = PresenceTracker.StatusOf(user, viewerId, connected);
        var online = !user.IsDeleted && connected && (user.Id == viewerId || status != "offline");
        var lastSeen = user.Id == viewerId || !privacy.Options.HideLastSeen ? Clock.ToTime(user.LastSeenAt) : null;
        return new StatusDto(user.Id, status, lastSeen, online);
    }

    private async Task PublishAsync(UserRow user, bool online, CancellationToken ct = default)
    {
        IEnumerable<string> audience;
        await using (var connection = await db.OpenAsync(ct))
            audience = await connection.QueryAsync<string>(
                $"""
                SELECT DISTINCT o.user_id FROM members me
                JOIN members o ON o.conversation_id = me.conversation_id
                JOIN conversations c ON c.id = me.conversation_id
                WHERE me.user_id = @userId AND o.user_id <> @userId AND c.deleted_at IS NULL AND {BlockList.NotBlocked("@userId", "o.user_id")}
                """, new { userId = user.Id });
        var data = System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(
            new PresencePayload(null, user.Id, PresenceTracker.StatusOf(user, Others, online),
                privacy.Options.HideLastSeen ? null : Clock.ToTime(user.LastSeenAt)), JsonSetup.Default);
        var now = Clock.NowMs();
        await bus.PublishAsync([.. audience.Select(id => new ChatEvent(0, PresenceEventTypes.Presence, null, id, now, data))], ct);
    }

    [LoggerMessage(LogLevel.Error, "Marking user {UserId} offline failed")]
    private static partial void LogOfflineFailed(ILogger logger, Exception error, string userId);
}
