using Parley.Server.Events;
using Parley.Server.Notifications;
using Parley.Server.Safety;

namespace Parley.Server.Conversations;

/// <summary>
/// What follows a membership change inside its transaction: the events, the notification, and whatever the
/// features above conversations add (<see cref="IMembershipObserver"/>: the messages feature's system message).
/// </summary>
public sealed class MembershipHooks(ConversationViews views, IEnumerable<IMembershipObserver> observers)
{
    public async Task MembersAddedAsync(EventBatch batch, ConversationRow c, string actorId, IReadOnlyList<MemberRow> added, CancellationToken ct)
    {
        if (added.Count == 0) return;
        var dtos = await views.MembersAsync(added, "", ct);
        var neutral = await views.DetailsAsync(batch.Connection, batch.Transaction, c, null, ct);
        foreach (var member in dtos)
        {
            await batch.AppendAsync(ConversationEventTypes.MemberAdded, c.Id, null,
                new MemberAddedEvent(c.Id, member.UserId, member, actorId));
            await batch.AppendAsync(ConversationEventTypes.ConversationNew, null, member.UserId, new ConversationEvent(c.Id, neutral));
            if (member.UserId != actorId && !member.IsAgent)
                await NotificationService.CreateAsync(batch, member.UserId, NotificationTypes.AddedToConversation,
                    $"You were added to {Label(c)}", c.Id, new { conversationId = c.Id, addedBy = actorId });
        }
        foreach (var observer in observers) await observer.MembersAddedAsync(batch, c, actorId, added);
    }

    public async Task MemberRemovedAsync(EventBatch batch, ConversationRow c, string actorId, string userId, string reason)
    {
        var payload = new MemberRemovedEvent(c.Id, userId, actorId, reason);
        await batch.AppendAsync(ConversationEventTypes.MemberRemoved, c.Id, null, payload);
        // The one who is gone no longer sees conversation events, so they get their own copy.
        await batch.AppendAsync(ConversationEventTypes.MemberRemoved, null, userId, payload);
        foreach (var observer in observers) await observer.MemberRemovedAsync(batch, c, actorId, userId, reason);
    }

    public async Task RoleChangedAsync(EventBatch batch, ConversationRow c, string actorId, string userId, string role)
    {
        await batch.AppendAsync(ConversationEventTypes.MemberRole, c.Id, null,
            new MemberRoleEvent(c.Id, userId, role, actorId));
        if (userId != actorId)
            await NotificationService.CreateAsync(batch, userId, NotificationTypes.RoleChanged,
                $"Your role in {Label(c)} is now {role}", c.Id, new { conversationId = c.Id, role, changedBy = actorId });
        foreach (var observer in observers) await observer.RoleChangedAsync(batch, c, actorId, userId, role);
    }

    /// <summary>A moderation setting: audited, and announced by the observers (a system message).</summary>
    public async Task SlowModeChangedAsync(EventBatch batch, ConversationRow c, string actorId)
    {
        await AuditLog.RecordAsync(batch, actorId, AuditActions.SlowModeChanged, "conversation", c.Id, c.Id, c.SlowModeSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture));
        foreach (var observer in observers) await observer.SlowModeChangedAsync(batch, c, actorId);
    }

    private static string Label(ConversationRow c) => c.Name is { Length: > 0 } name ? $"\"{name}\"" : $"a {c.Type} conversation";
}

/// <summary>Told about each membership change inside its transaction, after its events are appended.</summary>
public interface IMembershipObserver
{
    Task MembersAddedAsync(EventBatch batch, ConversationRow c, string actorId, IReadOnlyList<MemberRow> added);

    Task MemberRemovedAsync(EventBatch batch, ConversationRow c, string actorId, string userId, string reason);

    Task RoleChangedAsync(EventBatch batch, ConversationRow c, string actorId, string userId, string role);

    Task SlowModeChangedAsync(EventBatch batch, ConversationRow c, string actorId);
}
