using Parley.Server.Api;
using Parley.Server.Events;
using Parley.Server.Messages;
using Parley.Server.Notifications;

namespace Parley.Server.Threads;

/// <summary>What a reply and a reply's deletion do to a thread, inside the message's own transaction (called by MessageService).</summary>
public sealed class ThreadReplies : IThreadReplies
{
    public const string NotificationType = "message.thread_reply";

    private static readonly Failure NotARoot = Failure.Invalid("threadId", "threadId must be a message in this conversation that is not itself a reply");

    /// <summary>
    /// Stores <paramref name="row"/> (its ThreadId set) as a reply: a conversation seq when it is also shown in the
    /// conversation, else a hidden one; the next threadSeq; the sender as a participant who has read it; message:new,
    /// thread:updated, and a notification to every other participant still in the conversation.
    /// </summary>
    public async Task<Outcome<MessageDto>> AppendReplyAsync(EventBatch batch, MessageRow row, bool alsoInConversation, string? directKey,
        string senderName)
    {
        var (connection, tx) = (batch.Connection, batch.Transaction);
        var root = await MessageStore.GetAsync(connection, tx, row.ThreadId!);
        if (root is null || root.ConversationId != row.ConversationId || root.ThreadId is not null || root.Type == MessageTypes.System) return NotARoot;
        if (root.DeletedAt is not null && root.ThreadReplyCount is null) return Failure.Conflict("The message was deleted");

        // The conversation's row first (every seq is allocated under it), then the thread's: one lock order for every send.
        var seq = alsoInConversation
            ? await MessageStore.AllocateSeqAsync(connection, tx, row.ConversationId, row.CreatedAt)
            : await ThreadStore.AllocateHiddenSeqAsync(connection, tx, row.ConversationId);
        if (seq is not { } allocated) return Failure.ConversationNotFound;
        var thread = await ThreadStore.AddReplyAsync(connection, tx, root, row.CreatedAt);
        (row.Seq, row.ThreadSeq) = (allocated, thread.LastSeq);
        var stored = await MessageStore.StoreAsync(batch, row, directKey);
        if (!stored.Ok) return stored;

        if (thread.LastSeq == 1) await ThreadStore.JoinAsync(connection, tx, root.Id, root.SenderId, 0, row.CreatedAt);
        if (await ThreadStore.JoinAsync(connection, tx, root.Id, row.SenderId, thread.LastSeq, row.CreatedAt) && row.SenderId != root.SenderId)
            thread = await ThreadStore.AddParticipantAsync(connection, tx, root.Id, row.SenderId);
        await batch.AppendAsync(ThreadEventTypes.Updated, row.ConversationId, null, new ThreadUpdatedEvent(row.ConversationId, root.Id, thread.Summary));

        var preview = row.Content is { Length: > 100 } c ? c[..100] + "…" : row.Content ?? $"a {row.Type} message";
        foreach (var userId in await ThreadStore.MemberParticipantsAsync(connection, tx, root.Id, row.ConversationId, row.SenderId))
            await NotificationService.CreateAsync(batch, userId, NotificationType, $"{senderName} replied in a thread: {preview}",
                row.ConversationId, new { conversationId = row.ConversationId, messageId = row.Id, threadId = root.Id, threadSeq = row.ThreadSeq,
                    senderId = row.SenderId }, row.SenderId);
        return stored;
    }

    /// <summary>A reply was deleted: one reply fewer on its root, and thread:updated.</summary>
    public async Task ReplyDeletedAsync(EventBatch batch, MessageRow reply)
    {
        if (reply.ThreadId is null || await ThreadStore.ReplyDeletedAsync(batch.Connection, batch.Transaction, reply.ThreadId) is not { } thread) return;
        await batch.AppendAsync(ThreadEventTypes.Updated, reply.ConversationId, null, new ThreadUpdatedEvent(reply.ConversationId, reply.ThreadId, thread.Summary));
    }
}
