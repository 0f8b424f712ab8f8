using Dapper;
using Parley.Server.Api;
using Parley.Server.Data;
using Parley.Server.Events;
using Parley.Server.Messages;

namespace Parley.Server.Unread;

/// <summary>The events this feature raises, by the type name clients see.</summary>
public static class UnreadEventTypes
{
    /// <summary>Personal: my marker moved back, so my other devices show the same badge.</summary>
    public const string MarkedUnread = "conversation:unread";
}

/// <summary>{messageId}: the first message to show as unread again.</summary>
public sealed record MarkUnreadRequest(string? MessageId = null);

public sealed record MarkedUnreadEvent(string ConversationId, string UserId, string MessageId, long LastReadSeq, DateTimeOffset? LastReadAt, long UnreadCount);

/// <summary>
/// "Mark unread": my read marker goes to just before a message, the one way a marker moves backwards (it may also
/// move forward, as in Slack). Unread counts, seenBy and read follow from the marker.
/// </summary>
public sealed class MarkUnreadService(EventScope scope)
{
    public async Task<Outcome<ReadState>> MarkUnreadAsync(string callerId, string conversationId, MarkUnreadRequest request, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(request.MessageId)) return Failure.Invalid("messageId", "Send messageId, the first message to mark unread");
        return await scope.TryWriteAsync<ReadState>(async batch =>
        {
            var (connection, tx) = (batch.Connection, batch.Transaction);
            if (await MessageStore.AccessAsync(connection, tx, conversationId, callerId) is not { } access) return Failure.ConversationNotFound;
            if (await MessageStore.GetAsync(connection, tx, request.MessageId) is not { } row || row.ConversationId != access.Id) return Failure.MessageNotFound;
            var seq = row.Seq - 1;
            var before = access.MyLastReadSeq;
            var now = Clock.NowMs();
            await connection.ExecuteAsync(
                "UPDATE members SET last_read_seq = @seq, last_read_at = @now WHERE conversation_id = @conversationId AND user_id = @callerId",
                new { seq, now, conversationId = access.Id, callerId }, tx);
            var unread = await MessageStore.CountUnreadAsync(connection, tx, access.Id, callerId, seq, access.LastSeq);
            var changed = await MessageStore.CountUnreadAsync(connection, tx, access.Id, callerId, Math.Min(seq, before), Math.Max(seq, before));
            await batch.AppendAsync(UnreadEventTypes.MarkedUnread, null, callerId, new MarkedUnreadEvent(access.Id, callerId, row.Id, seq, Clock.ToTime(now), unread));
            return new ReadState(access.Id, callerId, row.Id, seq, Clock.ToTime(now), seq != before, changed, unread);
        }, ct);
    }
}
