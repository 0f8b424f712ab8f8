using System.Data.Common;
using Parley.Server.Api;
using Parley.Server.Conversations;
using Parley.Server.Data;
using Parley.Server.Events;
using Parley.Server.Messages;

namespace Parley.Server.Pins;

/// <summary>
/// Pinning: any member of a direct or AI conversation; the owner and admins of a group or channel. Each change is
/// one transaction that appends its event, published after commit; repeating it changes nothing.
/// </summary>
public sealed class PinService(Db db, EventScope scope, MessageDecorators decorators) : IMessageDeletedListener
{
    public async Task<Outcome<PinChange>> PinAsync(string callerId, string conversationId, string messageId, CancellationToken ct)
    {
        return await scope.TryWriteAsync<PinChange>(async batch =>
        {
            var (connection, tx) = (batch.Connection, batch.Transaction);
            var found = await FindAsync(connection, tx, callerId, conversationId, messageId);
            if (!found.Ok) return found.Error!;
            var (row, access) = found.Value;
            if (row.DeletedAt is not null) return Failure.Conflict("The message was deleted");
            await Db.LockAsync(connection, tx, "pins:" + conversationId);
            if (await PinStore.GetAsync(connection, tx, conversationId, messageId) is { } existing)
                return new PinChange(conversationId, messageId, true, false, existing.PinnedBy, Clock.ToTime(existing.PinnedAt));
            if (await PinStore.CountAsync(connection, tx, conversationId) >= PinLimits.PerConversation)
                return Failure.Conflict($"A conversation can have at most {PinLimits.PerConversation} pinned messages");
            var now = Clock.NowMs();
            await PinStore.AddAsync(connection, tx, conversationId, messageId, callerId, now);
            var markers = await MessageStore.LowestMarkersAsync(connection, tx, conversationId);
            var message = await decorators.ApplyAsync(connection, tx, MessageDto.From(row, access.DirectKey, markers.IsRead(row.Seq, row.SenderId)), null);
            await batch.AppendAsync(PinEventTypes.Pinned, conversationId, null, new PinnedEvent(conversationId, messageId, callerId, Clock.ToTime(now), message));
            return new PinChange(conversationId, messageId, true, true, callerId, Clock.ToTime(now));
        }, ct);
    }

    public async Task<Outcome<PinChange>> UnpinAsync(string callerId, string conversationId, string messageId, CancellationToken ct)
    {
        return await scope.TryWriteAsync<PinChange>(async batch =>
        {
            var (connection, tx) = (batch.Connection, batch.Transaction);
            var found = await FindAsync(connection, tx, callerId, conversationId, messageId);
            if (!found.Ok) return found.Error!;
            if (!await PinStore.RemoveAsync(connection, tx, conversationId, messageId)) return new PinChange(conversationId, messageId, false, false, null, null);
            await batch.AppendAsync(PinEventTypes.Unpinned, conversationId, null, new UnpinnedEvent(conversationId, messageId, callerId));
            return new PinChange(conversationId, messageId, false, true, null, null);
        }, ct);
    }

    /// <summary>The pins, newest first; a pin whose message was deleted is gone.</summary>
    public async Task<Outcome<List<PinDto>>> ListAsync(string callerId, string conversationId, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        if (await MessageStore.AccessAsync(connection, null, conversationId, callerId) is not { } access) return Failure.ConversationNotFound;
        var pins = await PinStore.ListAsync(connection, conversationId);
        var markers = await MessageStore.LowestMarkersAsync(connection, null, conversationId);
        var messages = await decorators.ApplyAsync(connection, null,
            pins.Select(p => MessageDto.From(p.Message, access.DirectKey, markers.IsRead(p.Message.Seq, p.Message.SenderId))).ToList(), callerId);
        return pins.Select((p, i) => new PinDto(conversationId, p.Pin.MessageId, p.Pin.PinnedBy, Clock.ToTime(p.Pin.PinnedAt), messages[i])).ToList();
    }

    /// <summary>A deleted message's pin goes with it; members are told it is unpinned.</summary>
    public async Task MessageDeletedAsync(EventBatch batch, MessageRow message, string deletedBy)
    {
        if (await PinStore.RemoveAsync(batch.Connection, batch.Transaction, message.ConversationId, message.Id))
            await batch.AppendAsync(PinEventTypes.Unpinned, message.ConversationId, null, new UnpinnedEvent(message.ConversationId, message.Id, null));
    }

    /// <summary>The message in this conversation (else 404, also for outsiders) and the caller's right to pin there (else 403).</summary>
    private static async Task<Outcome<(MessageRow Row, MessageAccess Access)>> FindAsync(DbConnection connection, DbTransaction tx, string callerId,
        string conversationId, string messageId)
    {
        if (await MessageStore.AccessAsync(connection, tx, conversationId, callerId) is not { } access) return Failure.ConversationNotFound;
        if (await MessageStore.GetAsync(connection, tx, messageId) is not { } row || row.ConversationId != conversationId) return Failure.MessageNotFound;
        if (ConversationTypes.HasRoles(access.Type) && !Roles.IsAdmin(access.MyRole))
            return Failure.Forbidden("Only the owner and admins can pin or unpin messages here");
        return (row, access);
    }
}
