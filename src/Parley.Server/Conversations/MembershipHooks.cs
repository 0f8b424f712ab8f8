using System.Data.Common;
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
        }
    }

    public async Task MemberRemovedAsync(DbConnection connection, DbTransaction tx, ConversationRow c, string actorId, string userId,
        string reason, List<ChatEvent> events)
    {
        var payload = new { conversationId = c.Id, userId, removedBy = actorId, reason };
        events.Add(await EventLog.AppendAsync(connection, tx, EventTypes.MemberRemoved, c.Id, null, payload));
        // The one who is gone no longer sees conversation events, so they get their own copy.
        events.Add(await EventLog.AppendAsync(connection, tx, EventTypes.MemberRemoved, null, userId, payload));
    }

    public Task<ChatEvent> RoleChangedAsync(DbConnection connection, DbTransaction tx, ConversationRow c, string actorId, string userId, string role) =>
        EventLog.AppendAsync(connection, tx, EventTypes.MemberRole, c.Id, null, new { conversationId = c.Id, userId, role, changedBy = actorId });
}
