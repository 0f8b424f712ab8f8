using System.Data.Common;
using Parley.Server.Api;
using Parley.Server.Conversations;
using Parley.Server.Data;
using Parley.Server.Events;
using Parley.Server.Monitoring;
using Parley.Server.Presence;
using Parley.Server.Safety;
using Parley.Server.Uploads;
using Parley.Server.Users;

namespace Parley.Server.Messages;

/// <summary>
/// Messages and read markers. Every method takes the caller and a command and returns an Outcome, so the
/// REST endpoints and the WebSocket gateway share it. Each change is one transaction that appends its
/// events; they are published after commit.
/// </summary>
public sealed partial class MessageService(Db db, EventScope scope, ConversationService conversations, ConversationStore store, ConversationViews views, UserStore users,
    TypingTracker typing, SendLimiter limiter, IEnumerable<IMessageSentListener> listeners, IEnumerable<IMessageDeletedListener> deletedListeners, MessageDecorators decorators,
    IThreadReplies threads, Attachments attachments, BlockList blocks, ServerMetrics metrics, IEnumerable<IMessageEditedListener> editedListeners)
{
    public const int SeenByLimit = 100;

    private async Task<Outcome<SendResult>> SendUntimedAsync(string callerId, SendMessageRequest request, CancellationToken ct)
    {
        if (request.SenderId is { } sender && sender != callerId) return Failure.Forbidden("senderId must be your own user id");
        if (limiter.TryTake(callerId) is { } tooFast) return tooFast;
        var valid = request.Validate();
        if (!valid.Ok) return valid.Error!;
        var target = await ResolveConversationAsync(callerId, request, ct);
        if (!target.Ok) return target.Error!;
        var conversationId = target.Value!;
        var m = valid.Value!;

        var conversationType = "";
        var sent = await scope.TryWriteAsync<MessageDto>(async batch =>
        {
            var (connection, tx) = (batch.Connection, batch.Transaction);
            if (await MessageStore.AccessAsync(connection, tx, conversationId, callerId) is not { } access) return Failure.ConversationNotFound;
            conversationType = access.Type;
            if (access.Type == ConversationTypes.Channel && !Roles.IsAdmin(access.MyRole))
                return Failure.Forbidden("Only the owner and admins can post in a channel");
            if (m.ReplyToId is { } replyTo && !await MessageStore.ExistsInAsync(connection, tx, replyTo, conversationId))
                return Failure.Invalid("replyToId", "replyToId must be a message in this conversation");
            var now = Clock.NowMs();
            if (access.Type == ConversationTypes.Direct && access.DirectKey?.Split(':').FirstOrDefault(id => id != callerId) is { } otherId
                && await BlockList.EitherWayAsync(connection, tx, callerId, otherId))
                return BlockList.CannotMessage;
            if (await PostingRules.CheckAsync(batch, access, callerId, now) is { } refused) return refused;
            if (access.Type == ConversationTypes.Direct && access.DirectMemberCount < 2)
                await BringBackOtherSideAsync(batch, access, callerId, now, ct);

            var row = new MessageRow
            {
                Id = Guid.CreateVersion7().ToString(), ConversationId = conversationId, SenderId = callerId, Type = m.Type, Content = m.Content,
                FileUrl = m.FileUrl, Payload = m.Payload, ClientMessageId = m.ClientMessageId, ReplyToId = m.ReplyToId, CreatedAt = now, ThreadId = m.ThreadId,
                SenderUsername = access.MyUsername, SenderName = access.MyName, SenderPicture = access.MyPicture, SenderEmail = access.MyEmail,
            };
            if (m.Attachments is { } uploadIds)
            {
                var claimed = await attachments.ClaimAsync(connection, tx, uploadIds, callerId, conversationId, row.Id);
                if (!claimed.Ok) return claimed.Error!;
                row.Attachments = claimed.Value;
            }
            var appended = m.ThreadId is null
                ? await MessageStore.AppendAsync(batch, row, access.DirectKey)
                : await threads.AppendReplyAsync(batch, row, m.AlsoInConversation, access.DirectKey, access.MyName ?? access.MyUsername);
            if (appended.Ok && m.Type == MessageTypes.Text)
                await Mentions.NotifyAsync(batch, row, access.MyName ?? access.MyUsername);
            return appended;
        }, ct);

        if (sent.Ok)
        {
            // Listeners (the AI agent) answer in the timeline, so a thread reply is not theirs to answer.
            if (m.ThreadId is null) foreach (var listener in listeners) listener.MessageSent(sent.Value!, conversationType);
            await typing.MessageSentAsync(callerId, conversationId, ct);
            return new SendResult(SignedFor(sent.Value!, callerId), true);
        }
        if (sent.Error != MessageStore.Duplicate) return sent.Error!;
        // A retry: the transaction rolled back; answer with the message the first attempt stored.
        await using var read = await db.OpenAsync(ct);
        var original = await MessageStore.FindByClientIdAsync(read, null, conversationId, callerId, m.ClientMessageId!);
        if (original is null) return Failure.Conflict("Duplicate clientMessageId");
        var access2 = await MessageStore.AccessAsync(read, null, conversationId, callerId);
        await LoadAttachmentsAsync(read, null, original, UrlScope.User(callerId));
        var markers = await MessageStore.LowestMarkersAsync(read, null, conversationId);
        return new SendResult(MessageDto.From(original, access2?.DirectKey, markers.IsRead(original.Seq, original.SenderId)), false);
    }

    /// <summary>conversationId, else receiverId naming a conversation I am in, else a user (direct conversation, created if needed).</summary>
    private async Task<Outcome<string>> ResolveConversationAsync(string callerId, SendMessageRequest request, CancellationToken ct)
    {
        if (!string.IsNullOrWhiteSpace(request.ConversationId)) return request.ConversationId;
        if (string.IsNullOrWhiteSpace(request.ReceiverId)) return Failure.Invalid("conversationId", "Send conversationId, or receiverId naming a user or a conversation");
        var receiverId = request.ReceiverId;
        await using (var connection = await db.OpenAsync(ct))
            if (await MessageStore.AccessAsync(connection, null, receiverId, callerId) is not null) return receiverId;
        if (await users.GetAsync(receiverId, ct) is not { IsDeleted: false, Kind: UserKinds.Human }) return Failure.NotFound("Receiver not found");
        var created = await conversations.CreateAsync(callerId, new CreateConversation(ConversationTypes.Direct, [receiverId], null, null, null), ct);
        return created.Ok ? created.Value.Conversation.Id : created.Error!;
    }

    /// <summary>The other side of a direct conversation left: add them back so the message reaches them.</summary>
    private async Task BringBackOtherSideAsync(EventBatch batch, MessageAccess access, string callerId, long now, CancellationToken ct)
    {
        var (connection, tx) = (batch.Connection, batch.Transaction);
        var otherId = access.DirectKey?.Split(':').FirstOrDefault(id => id != callerId);
        if (otherId is null || await users.GetAsync(otherId, ct) is not { IsDeleted: false }) return;
        var back = await ConversationStore.AddMembersAsync(connection, tx, access.Id, [(otherId, Roles.Member)], now);
        if (back.Count == 0 || await store.GetForMemberAsync(connection, tx, access.Id, otherId) is not { } found) return;
        await batch.AppendAsync(ConversationEventTypes.ConversationNew, null, otherId,
            new ConversationEvent(access.Id, await views.DetailsAsync(connection, tx, found.Conversation, null, ct)));
    }

    public async Task<Outcome<MessagePage>> ListAsync(string callerId, ListMessages query, CancellationToken ct)
    {
        if (query.Before is not null && query.After is not null) return Failure.Invalid("before", "Send before or after, not both");
        if (query.Before < 1 || query.After < 0) return Failure.Invalid(query.Before is null ? "after" : "before", "Must be a seq (a whole number)");
        var limit = Math.Clamp(query.Limit, 1, Paging.MaxLimit);
        var page = Math.Max(1, query.Page);
        await using var connection = await db.OpenAsync(ct);
        if (await MessageStore.AccessAsync(connection, null, query.ConversationId, callerId) is not { } access) return Failure.ConversationNotFound;
        // Seqs are gap-free, so every page is a seq range found through the (conversation_id, seq) index.
        var range = HistoryRange.Of(query.Before, query.After, page, limit, access.LastSeq);
        var rows = await MessageStore.RangeAsync(connection, access.Id, range.FromExclusive, range.ToInclusive);
        // What people I blocked said is left out; the page keeps its seq range, so paging stays exact.
        var hidden = await blocks.BlockedByAsync(callerId, ct);
        if (hidden.Count > 0) rows.RemoveAll(r => MessageStore.ActorOf(r) is { } sender && hidden.Contains(sender));
        var files = await attachments.ForRangeAsync(connection, null, access.Id, range.FromExclusive, range.ToInclusive, UrlScope.User(callerId));
        foreach (var r in rows) r.Attachments = files.GetValueOrDefault(r.Id);
        var markers = await MessageStore.LowestMarkersAsync(connection, null, access.Id);
        var messages = await decorators.ApplyAsync(connection, null,
            rows.Select(r => MessageDto.From(r, access.DirectKey, markers.IsRead(r.Seq, r.SenderId))).ToList(), callerId);
        return new MessagePage(messages, range.Pagination, range.HasMore, rows.FirstOrDefault()?.Seq, rows.LastOrDefault()?.Seq);
    }

    /// <summary>One message with who has seen it; <paramref name="conversationId"/>, when given, must be its conversation.</summary>
    public async Task<Outcome<MessageDto>> GetAsync(string callerId, string? conversationId, string messageId, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        var found = await FindAsync(connection, null, callerId, conversationId, messageId);
        if (!found.Ok) return found.Error!;
        var (row, access) = found.Value;
        if (MessageStore.ActorOf(row) is { } sender && await blocks.HidesAsync(callerId, sender)) return Failure.MessageNotFound;
        await LoadAttachmentsAsync(connection, null, row, UrlScope.User(callerId));
        return await decorators.ApplyAsync(connection, null, await WithSeenByAsync(connection, null, row, access), callerId);
    }

    public async Task<Outcome<MessageDto>> EditAsync(string callerId, string? conversationId, string messageId, EditMessageRequest request, CancellationToken ct)
    {
        var content = request.Body;
        if (TextRules.IsBlank(content)) return Failure.Invalid("newContent", "Send the new content (newContent, content or message)");
        if (content.Length > SendMessageRequest.MaxContent) return Failure.Invalid("newContent", $"Content must be at most {SendMessageRequest.MaxContent:N0} characters");
        var changed = false;
        var edited = await ChangeAsync(callerId, conversationId, messageId, ct, async (batch, row, access) =>
        {
            var (connection, tx) = (batch.Connection, batch.Transaction);
            if (row.Type == MessageTypes.System) return Failure.BadRequest("System messages cannot be edited");
            if (row.SenderId != callerId) return Failure.Forbidden("Only the sender can edit a message");
            if (row.DeletedAt is not null) return Failure.Conflict("The message was deleted");
            if (row.Content == content) return MessageDto.From(row, access.DirectKey, false);
            var now = Clock.NowMs();
            if (!await MessageStore.EditAsync(connection, tx, row.Id, content, now)) return Failure.Conflict("The message was deleted");
            (row.Content, row.EditedAt, changed) = (content, now, true);
            foreach (var listener in editedListeners) await listener.MessageEditingAsync(batch, row);
            await LoadAttachmentsAsync(connection, tx, row, UrlScope.Conversation(row.ConversationId));
            var dto = await ViewAsync(connection, tx, row, access);
            var neutral = await decorators.ApplyAsync(connection, tx, dto, null);
            await batch.AppendAsync(MessageEventTypes.MessageUpdated, row.ConversationId, MessageStore.ActorOf(row), new MessageEvent(row.ConversationId, neutral));
            return SignedFor(await decorators.ApplyAsync(connection, tx, dto, callerId), callerId);
        });
        if (changed && edited.Ok) foreach (var listener in editedListeners) listener.MessageEdited(edited.Value!);
        return edited;
    }

    /// <summary>Soft delete by the sender, or by an owner/admin of a group or channel. Deleting twice answers the first deletion.</summary>
    public Task<Outcome<MessageDto>> DeleteAsync(string callerId, string? conversationId, string messageId, CancellationToken ct) =>
        ChangeAsync(callerId, conversationId, messageId, ct, async (batch, row, access) =>
        {
            var (connection, tx) = (batch.Connection, batch.Transaction);
            if (row.Type == MessageTypes.System) return Failure.BadRequest("System messages cannot be deleted");
            // In an AI conversation the person may delete the agent's messages too (that stops an answer still streaming).
            var moderator = (ConversationTypes.HasRoles(access.Type) && Roles.IsAdmin(access.MyRole)) || access.Type == ConversationTypes.Ai;
            if (row.SenderId != callerId && !moderator)
                return Failure.Forbidden(ConversationTypes.HasRoles(access.Type)
                    ? "Only the sender, the owner or an admin can delete a message" : "Only the sender can delete a message");
            if (row.DeletedAt is not null) return MessageDto.From(row, access.DirectKey, false);
            var now = Clock.NowMs();
            await MessageStore.SoftDeleteAsync(connection, tx, row.Id, callerId, now);
            (row.DeletedAt, row.DeletedBy) = (now, callerId);
            await batch.AppendAsync(MessageEventTypes.MessageDeleted, row.ConversationId, MessageStore.ActorOf(row),
                new MessageDeletedEvent(row.ConversationId, row.Id, row.Id, Math.Max(0, row.Seq), callerId, Clock.ToTime(now)));
            await threads.ReplyDeletedAsync(batch, row);
            foreach (var listener in deletedListeners) await listener.MessageDeletedAsync(batch, row, callerId);
            return await ViewAsync(connection, tx, row, access);
        });

    // The gateway's frames carry the ids in their data: {messageId, conversationId?, ...}.
    public Task<Outcome<MessageDto>> EditAsync(string callerId, EditMessageRequest request, CancellationToken ct) =>
        request.MessageId is { Length: > 0 } id ? EditAsync(callerId, request.ConversationId, id, request, ct) : MissingMessageId<MessageDto>();

    public Task<Outcome<MessageDto>> DeleteAsync(string callerId, DeleteMessageRequest request, CancellationToken ct) =>
        request.MessageId is { Length: > 0 } id ? DeleteAsync(callerId, request.ConversationId, id, ct) : MissingMessageId<MessageDto>();

    private delegate Task<Outcome<MessageDto>> MessageChange(EventBatch batch, MessageRow row, MessageAccess access);

    /// <summary>Finds the message for a member (else 404), runs the change in one transaction, publishes after commit.</summary>
    private Task<Outcome<MessageDto>> ChangeAsync(string callerId, string? conversationId, string messageId, CancellationToken ct, MessageChange change) =>
        scope.TryWriteAsync(async batch =>
        {
            var found = await FindAsync(batch.Connection, batch.Transaction, callerId, conversationId, messageId);
            return found.Ok ? await change(batch, found.Value.Row, found.Value.Access) : found.Error!;
        }, ct);

    /// <summary>The message and the caller's access to its conversation; 404 for unknown ids and conversations the caller is not in.</summary>
    private static async Task<Outcome<(MessageRow Row, MessageAccess Access)>> FindAsync(DbConnection connection, DbTransaction? tx, string callerId,
        string? conversationId, string messageId)
    {
        if (await MessageStore.GetAsync(connection, tx, messageId) is not { } row || (conversationId is not null && row.ConversationId != conversationId))
            return Failure.MessageNotFound;
        if (await MessageStore.AccessAsync(connection, tx, row.ConversationId, callerId) is not { } access) return Failure.MessageNotFound;
        return (row, access);
    }

    /// <summary>The message's attachments, with URLs signed for <paramref name="scope"/>.</summary>
    private async Task LoadAttachmentsAsync(DbConnection connection, DbTransaction? tx, MessageRow row, UrlScope scope) =>
        row.Attachments = (await attachments.ForRangeAsync(connection, tx, row.ConversationId, row.Seq - 1, row.Seq, scope)).GetValueOrDefault(row.Id);

    /// <summary>The caller's own answer: file URLs signed for them rather than for the conversation (as the event's are).</summary>
    private MessageDto SignedFor(MessageDto message, string callerId) =>
        message.Attachments is { Count: > 0 } files ? message with { Attachments = attachments.SignedFor(files, callerId) } : message;

    private static async Task<MessageDto> ViewAsync(DbConnection connection, DbTransaction? tx, MessageRow row, MessageAccess access)
    {
        var markers = await MessageStore.LowestMarkersAsync(connection, tx, row.ConversationId);
        return MessageDto.From(row, access.DirectKey, markers.IsRead(row.Seq, row.SenderId));
    }

    private static async Task<MessageDto> WithSeenByAsync(DbConnection connection, DbTransaction? tx, MessageRow row, MessageAccess access) =>
        (await ViewAsync(connection, tx, row, access)) with
        {
            SeenBy = await MessageStore.SeenByAsync(connection, tx, row.ConversationId, row.Seq, row.SenderId, SeenByLimit),
        };
}
