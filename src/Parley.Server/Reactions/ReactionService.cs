using System.Data.Common;
using Parley.Server.Api;
using Parley.Server.Data;
using Parley.Server.Events;
using Parley.Server.Messages;

namespace Parley.Server.Reactions;

/// <summary>
/// Adding and removing my reaction; REST and the gateway share it. Each change is one transaction that appends
/// its event, published after commit. Repeating a change changes nothing and raises no event.
/// </summary>
public sealed class ReactionService(EventScope scope) : IMessageDeletedListener
{
    public Task<Outcome<ReactionChange>> AddAsync(string callerId, string? conversationId, string messageId, string? emoji, CancellationToken ct) =>
        ChangeAsync(callerId, conversationId, messageId, emoji, add: true, ct);

    public Task<Outcome<ReactionChange>> RemoveAsync(string callerId, string? conversationId, string messageId, string? emoji, CancellationToken ct) =>
        ChangeAsync(callerId, conversationId, messageId, emoji, add: false, ct);

    public Task<Outcome<ReactionChange>> ChangeAsync(string callerId, ReactionRequest request, bool add, CancellationToken ct) =>
        request.MessageId is { Length: > 0 } id
            ? ChangeAsync(callerId, request.ConversationId, id, request.Emoji, add, ct)
            : Task.FromResult<Outcome<ReactionChange>>(Failure.Invalid("messageId", "messageId is required"));

    private async Task<Outcome<ReactionChange>> ChangeAsync(string callerId, string? conversationId, string messageId, string? rawEmoji, bool add,
        CancellationToken ct)
    {
        if (Emoji.Normalize(rawEmoji) is not { } emoji)
            return Failure.Invalid("emoji", $"emoji must be one emoji or a :shortcode: of at most {Emoji.MaxShortcode} characters of a-z, 0-9, _, + and -");
        return await scope.TryWriteAsync<ReactionChange>(async batch =>
        {
            var (connection, tx) = (batch.Connection, batch.Transaction);
            if (await MessageStore.GetAsync(connection, tx, messageId) is not { } row || (conversationId is not null && row.ConversationId != conversationId)
                || await MessageStore.AccessAsync(connection, tx, row.ConversationId, callerId) is not { } access)
                return Failure.MessageNotFound;
            // A timed-out member reads but does not react.
            if (access.MyTimeoutUntil is { } until && until > Data.Clock.NowMs()) return PostingRules.TimedOut(until);
            if (row.DeletedAt is not null) return Failure.Conflict("The message was deleted");
            // One message's reactions change one at a time on every node, so the distinct limit holds.
            await Db.LockAsync(connection, tx, "reactions:" + row.Id);
            var changed = add ? await AddAsync(connection, tx, row, emoji, callerId) : await ReactionStore.RemoveAsync(connection, tx, row.Id, emoji, callerId);
            if (!changed.Ok) return changed.Error!;
            var count = await ReactionStore.CountAsync(connection, tx, row.Id, emoji);
            if (changed.Value)
                await batch.AppendAsync(add ? ReactionEventTypes.Added : ReactionEventTypes.Removed, row.ConversationId, callerId,
                    new ReactionEvent(row.ConversationId, row.Id, emoji, callerId, count));
            var all = await ReactionStore.ForMessagesAsync(connection, tx, [row.Id], callerId);
            return new ReactionChange(row.ConversationId, row.Id, emoji, callerId, count, changed.Value, all.GetValueOrDefault(row.Id) ?? []);
        }, ct);
    }

    private static async Task<Outcome<bool>> AddAsync(DbConnection connection, DbTransaction tx, MessageRow row, string emoji, string callerId)
    {
        var (present, distinct) = await ReactionStore.DistinctAsync(connection, tx, row.Id, emoji);
        if (!present && distinct >= ReactionLimits.DistinctPerMessage)
            return Failure.Conflict($"A message can carry at most {ReactionLimits.DistinctPerMessage} different reactions");
        return await ReactionStore.AddAsync(connection, tx, row.ConversationId, row.Id, emoji, callerId, Clock.NowMs());
    }

    /// <summary>A deleted message keeps no reactions; message:deleted already tells clients they are gone.</summary>
    public Task MessageDeletedAsync(EventBatch batch, MessageRow message, string deletedBy) =>
        ReactionStore.DeleteForMessageAsync(batch.Connection, batch.Transaction, message.Id);
}
