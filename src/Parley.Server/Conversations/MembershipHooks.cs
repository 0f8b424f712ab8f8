using System.Data.Common;
using Parley.Server.Messages;
using Parley.Server.Notifications;
using Parley.Server.Realtime;

namespace Parley.Server.Conversations;

/// <summary>
/// What follows a membership change inside its transaction: the events, and (from the messages and
/// notifications features) the system message and the notification.
/// </summary>
public sealed class MembershipHooks(ConversationViews views)
{
    public async Task MembersAddedAsync(DbConnection connection, DbTransaction tx, ConversationRow c, string actorId,
        IReadOnlyList<MemberRow> added, List<ChatEvent> events, CancellationToken ct)
    {
        if (added.Count == 0) return;
        var dtos = await views.MembersAsync(added, "", ct);
        var neutral = await views.DetailsAsync(connection, tx, c, null, ct);
        foreach (var member in dtos)
        {
            events.Add(await EventLog.AppendAsync(connection, tx, EventTypes.MemberAdded, c.Id, null,
                new { conversationId = c.Id, userId = member.UserId, member, addedBy = actorId }));
            events.Add(await EventLog.AppendAsync(connection, tx, EventTypes.ConversationNew, null, member.UserId,
                new { conversationId = c.Id, conversation = neutral }));
            if (member.UserId != actorId && !member.IsAgent)
                await NotificationService.CreateAsync(connection, tx, member.UserId, NotificationTypes.AddedToConversation,
                    $"You were added to {Label(c)}", c.Id, new { conversationId = c.Id, addedBy = actorId }, events);
        }
        await SystemMessages.MembersAddedAsync(connection, tx, c, actorId, added, events);
    }

    public async Task MemberRemovedAsync(DbConnection connection, DbTransaction tx, ConversationRow c, string actorId, string userId,
        string reason, List<ChatEvent> events)
    {
        var payload = new { conversationId = c.Id, userId, removedBy = actorId, reason };
        events.Add(await EventLog.AppendAsync(connection, tx, EventTypes.MemberRemoved, c.Id, null, payload));
        // The one who is gone no longer sees conversation events, so they get their own copy.
        events.Add(await EventLog.AppendAsync(connection, tx, EventTypes.MemberRemoved, null, userId, payload));
        await SystemMessages.MemberRemovedAsync(connection, tx, c, actorId, userId, reason, events);
    }

    public async Task RoleChangedAsync(DbConnection connection, DbTransaction tx, ConversationRow c, string actorId, string userId, string role,
        List<ChatEvent> events)
    {
        events.Add(await EventLog.AppendAsync(connection, tx, EventTypes.MemberRole, c.Id, null,
            new { conversationId = c.Id, userId, role, changedBy = actorId }));
        if (userId != actorId)
            await NotificationService.CreateAsync(connection, tx, userId, NotificationTypes.RoleChanged,
                $"Your role in {Label(c)} is now {role}", c.Id, new { conversationId = c.Id, role, changedBy = actorId }, events);
        await SystemMessages.RoleChangedAsync(connection, tx, c, actorId, userId, role, events);
    }

    private static string Label(ConversationRow c) => c.Name is { Length: > 0 } name ? $"\"{name}\"" : $"a {c.Type} conversation";
}
