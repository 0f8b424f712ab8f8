using Parley.Server.Api;
using Parley.Server.Events;

namespace Parley.Server.Messages;

/// <summary>
/// What threads (the Threads feature, above this one) do inside a send or a delete: a message sent with a threadId
/// is stored by <see cref="AppendReplyAsync"/> instead of <see cref="MessageStore.AppendAsync"/>.
/// </summary>
public interface IThreadReplies
{
    Task<Outcome<MessageDto>> AppendReplyAsync(EventBatch batch, MessageRow row, bool alsoInConversation, string? directKey, string senderName);

    Task ReplyDeletedAsync(EventBatch batch, MessageRow reply);
}
