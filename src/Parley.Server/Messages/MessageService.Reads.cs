using Parley.Server.Api;
using Parley.Server.Data;
using Parley.Server.Events;

namespace Parley.Server.Messages;

/// <summary>Read markers: moving mine (never backwards), with message:read for the others, and my unread counts.</summary>
public sealed partial class MessageService
{
    /// <summary>Moves my marker to lastMessageId / seq, or to the newest message when neither is given. Never backwards.</summary>
    public async Task<Outcome<ReadState>> MarkReadAsync(string callerId, string conversationId, ReadRequest request, CancellationToken ct)
    {
        if (request.TargetSeq < 0) return Failure.Invalid("seq", "Must be a seq (a whole number)");
        return await scope.TryWriteAsync<ReadState>(async batch =>
        {
            var (connection, tx) = (batch.Connection, batch.Transaction);
            if (await MessageStore.AccessAsync(connection, tx, conversationId, callerId) is not { } access) return Failure.ConversationNotFound;
            var seq = Math.Min(request.TargetSeq ?? access.LastSeq, access.LastSeq);
            if (request.TargetId is { } id)
            {
                if (await MessageStore.GetAsync(connection, tx, id) is not { } row || row.ConversationId != access.Id) return Failure.MessageNotFound;
                seq = row.Seq;
            }
            return await MoveMarkerAsync(batch, access, callerId, seq, request.TargetId);
        }, ct);
    }

    public async Task<Outcome<ReadState>> MarkReadAsync(string callerId, ReadRequest request, CancellationToken ct)
    {
        if (request.ConversationId is { Length: > 0 } conversationId) return await MarkReadAsync(callerId, conversationId, request, ct);
        if (request.TargetId is null) return Failure.Invalid("conversationId", "Send conversationId, or the messageId read up to");
        await using var connection = await db.OpenAsync(ct);
        var row = await MessageStore.GetAsync(connection, null, request.TargetId);
        if (row is null) return Failure.MessageNotFound;
        var state = await MarkReadAsync(callerId, row.ConversationId, request, ct);
        return state.Error == Failure.ConversationNotFound ? Failure.MessageNotFound : state;
    }

    private static Task<Outcome<T>> MissingMessageId<T>() => Task.FromResult<Outcome<T>>(Failure.Invalid("messageId", "messageId is required"));

    /// <summary>Marks one message (and all before it) read; answers with who has seen it.</summary>
    public async Task<Outcome<MessageReadDto>> MarkMessageReadAsync(string callerId, string? conversationId, string messageId, CancellationToken ct)
    {
        return await scope.TryWriteAsync<MessageReadDto>(async batch =>
        {
            var (connection, tx) = (batch.Connection, batch.Transaction);
            var found = await FindAsync(connection, tx, callerId, conversationId, messageId);
            if (!found.Ok) return found.Error!;
            var (row, access) = found.Value;
            var state = await MoveMarkerAsync(batch, access, callerId, row.Seq, row.Id);
            var dto = await WithSeenByAsync(connection, tx, row, access);
            return new MessageReadDto(row.Id, row.ConversationId, row.Seq, dto.Read, dto.SeenBy!, state.LastReadSeq, state.LastReadAt, state.ModifiedCount);
        }, ct);
    }

    /// <summary>My unread messages: in one conversation, or in all with a per-conversation breakdown.</summary>
    public async Task<Outcome<UnreadSummary>> UnreadAsync(string callerId, string? conversationId, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        if (conversationId is null)
        {
            var counts = await MessageStore.UnreadByConversationAsync(connection, callerId);
            return new UnreadSummary(counts.Sum(c => c.UnreadCount), counts);
        }
        if (await MessageStore.AccessAsync(connection, null, conversationId, callerId) is not { } access) return Failure.ConversationNotFound;
        return new UnreadSummary(await MessageStore.CountUnreadAsync(connection, null, access.Id, callerId, access.MyLastReadSeq, access.LastSeq));
    }

    private static async Task<ReadState> MoveMarkerAsync(EventBatch batch, MessageAccess access, string callerId, long seq, string? messageId)
    {
        var (connection, tx) = (batch.Connection, batch.Transaction);
        var now = Clock.NowMs();
        var before = access.MyLastReadSeq;
        var moved = seq > before && await MessageStore.MoveMarkerAsync(connection, tx, access.Id, callerId, seq, now);
        var marker = moved ? seq : before;
        var lastReadAt = moved ? Clock.ToTime(now) : Clock.ToTime(access.MyLastReadAt);
        var modified = moved ? await MessageStore.CountUnreadAsync(connection, tx, access.Id, callerId, before, seq) : 0;
        var unread = await MessageStore.CountUnreadAsync(connection, tx, access.Id, callerId, marker, access.LastSeq);
        if (moved)
        {
            messageId ??= await MessageStore.IdAtSeqAsync(connection, tx, access.Id, seq);
            await batch.AppendAsync(MessageEventTypes.MessageRead, access.Id, callerId,
                new MessageReadEvent(access.Id, callerId, seq, lastReadAt, messageId));
        }
        return new ReadState(access.Id, callerId, messageId, marker, lastReadAt, moved, modified, unread);
    }
}
