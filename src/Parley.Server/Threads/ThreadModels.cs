using Parley.Server.Data;
using Parley.Server.Messages;

namespace Parley.Server.Threads;

public static class ThreadEventTypes
{
    /// <summary>A thread's summary changed (a reply was added or deleted): {conversationId, rootId, thread}.</summary>
    public const string Updated = "thread:updated";
}

public sealed record ThreadUpdatedEvent(string ConversationId, string RootId, ThreadSummary Thread);

/// <summary>
/// A page of a thread's replies in ascending threadSeq order, paged like history (page, or before/after a threadSeq),
/// with the root it hangs from.
/// </summary>
public sealed record ThreadPage(MessageDto Root, List<MessageDto> Messages, MessagePagination? Pagination, bool HasMore, long? OldestSeq, long? NewestSeq);

/// <summary>One thread I take part in, for GET /api/threads.</summary>
public sealed record ThreadListItem(string ConversationId, string RootId, MessageDto Root, ThreadSummary Thread, long LastReadSeq, long UnreadCount);

public sealed record ThreadList(List<ThreadListItem> Threads, bool HasMore, long TotalUnread);

public sealed record ThreadReadState(string ConversationId, string RootId, long LastReadSeq, long UnreadCount, bool Moved);

/// <summary>POST …/threads/{rootId}/read: up to this reply (messageId or threadSeq), or the newest.</summary>
public sealed record ThreadReadRequest(string? MessageId = null, long? Seq = null, long? ThreadSeq = null);

/// <summary>A thread's row.</summary>
public sealed class ThreadRow
{
    public string RootId { get; set; } = "";
    public string ConversationId { get; set; } = "";
    public long LastSeq { get; set; }
    public long ReplyCount { get; set; }
    public long? LastReplyAt { get; set; }
    public string ParticipantIds { get; set; } = "";

    public ThreadSummary Summary => new(ReplyCount, Clock.ToTime(LastReplyAt), ThreadSummary.Ids(ParticipantIds));
}
