using Parley.Server.Api;
using Parley.Server.Data;
using Parley.Server.Messages;
using Parley.Server.Safety;
using Parley.Server.Uploads;

namespace Parley.Server.Threads;

/// <summary>Reading threads: a thread's replies, my threads, my thread read markers. Replies are sent through <see cref="MessageService"/>.</summary>
public sealed class ThreadService(Db db, Attachments attachments, MessageDecorators decorators, BlockList blocks)
{
    public async Task<Outcome<ThreadPage>> RepliesAsync(string callerId, string rootId, ListMessages query, CancellationToken ct)
    {
        if (query.Before is not null && query.After is not null) return Failure.Invalid("before", "Send before or after, not both");
        var limit = Math.Clamp(query.Limit, 1, Paging.MaxLimit);
        await using var connection = await db.OpenAsync(ct);
        if (await MessageStore.AccessAsync(connection, null, query.ConversationId, callerId) is not { } access) return Failure.ConversationNotFound;
        if (await MessageStore.GetAsync(connection, null, rootId) is not { ThreadId: null } root || root.ConversationId != access.Id)
            return Failure.MessageNotFound;
        // threadSeqs are gap-free like seqs, so a thread pages exactly like history.
        var last = (await ThreadStore.GetAsync(connection, null, rootId))?.LastSeq ?? 0;
        var range = HistoryRange.Of(query.Before, query.After, Math.Max(1, query.Page), limit, last);
        var rows = await ThreadStore.RangeAsync(connection, rootId, range.FromExclusive, range.ToInclusive);
        var hidden = await blocks.BlockedByAsync(callerId, ct);
        if (hidden.Count > 0) rows.RemoveAll(r => hidden.Contains(r.SenderId));
        var markers = await MessageStore.LowestMarkersAsync(connection, null, access.Id);
        // The root and the replies as history shows messages: with their files (URLs signed for me) and reactions.
        var files = await attachments.ForMessagesAsync(connection, null, rows.Select(r => r.Id).Append(root.Id), UrlScope.User(callerId));
        foreach (var r in rows.Append(root)) r.Attachments = files.GetValueOrDefault(r.Id);
        var views = rows.Select(r => MessageDto.From(r, access.DirectKey, r.Seq > 0 && markers.IsRead(r.Seq, r.SenderId)))
            .Append(MessageDto.From(root, access.DirectKey, markers.IsRead(root.Seq, root.SenderId))).ToList();
        views = await decorators.ApplyAsync(connection, null, views, callerId);
        return new ThreadPage(views[^1], views[..^1], range.Pagination, range.HasMore, rows.FirstOrDefault()?.ThreadSeq, rows.LastOrDefault()?.ThreadSeq);
    }

    public async Task<Outcome<ThreadList>> MineAsync(string callerId, Paging paging, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        var rows = await ThreadStore.MineAsync(connection, callerId, paging.Limit + 1, paging.Offset);
        var hasMore = rows.Count > paging.Limit;
        var items = rows.Take(paging.Limit).Select(r => new ThreadListItem(r.Root.ConversationId, r.Root.Id, MessageDto.From(r.Root, r.DirectKey, false),
            ThreadSummary.Of(r.Root)!, r.LastReadSeq, r.Unread)).ToList();
        return new ThreadList(items, hasMore, items.Sum(i => i.UnreadCount));
    }

    /// <summary>Moves my marker in a thread I take part in forward (to a reply, or to the newest); never backwards.</summary>
    public async Task<Outcome<ThreadReadState>> MarkReadAsync(string callerId, string conversationId, string rootId, ThreadReadRequest request,
        CancellationToken ct)
    {
        var targetSeq = request.ThreadSeq ?? request.Seq;
        if (targetSeq < 0) return Failure.Invalid("threadSeq", "Must be a threadSeq (a whole number)");
        return await db.TryWriteAsync<ThreadReadState>(async (connection, tx) =>
        {
            if (await MessageStore.AccessAsync(connection, tx, conversationId, callerId) is null) return Failure.ConversationNotFound;
            if (await MessageStore.GetAsync(connection, tx, rootId) is not { ThreadId: null } root || root.ConversationId != conversationId)
                return Failure.MessageNotFound;
            var last = (await ThreadStore.GetAsync(connection, tx, rootId))?.LastSeq ?? 0;
            var seq = Math.Min(targetSeq ?? last, last);
            if (request.MessageId is { } id)
            {
                if (await MessageStore.GetAsync(connection, tx, id) is not { } reply || reply.ThreadId != rootId) return Failure.MessageNotFound;
                seq = reply.ThreadSeq ?? 0;
            }
            if (await ThreadStore.MarkerAsync(connection, tx, rootId, callerId) is not { } marker)
                return new ThreadReadState(conversationId, rootId, 0, 0, false);
            var moved = seq > marker && await ThreadStore.MoveMarkerAsync(connection, tx, rootId, callerId, seq);
            var now = moved ? seq : marker;
            return new ThreadReadState(conversationId, rootId, now, await ThreadStore.CountUnreadAsync(connection, tx, rootId, callerId, now), moved);
        }, ct);
    }
}
