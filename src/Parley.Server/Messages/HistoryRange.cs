namespace Parley.Server.Messages;

/// <summary>
/// Which gap-free positions (seqs in a conversation, threadSeqs in a thread) a history request covers, given the
/// last one: page mode (page 1 = newest) fills Pagination; before/after cursors leave it null. Every page is then
/// one range scan (fromExclusive, toInclusive] of an index.
/// </summary>
public readonly record struct HistoryRange(long FromExclusive, long ToInclusive, MessagePagination? Pagination, bool HasMore)
{
    public static HistoryRange Of(long? before, long? after, int page, int limit, long last)
    {
        long from, to;
        MessagePagination? pagination = null;
        if (before is { } b) (to, from) = (Math.Min(b - 1, last), Math.Max(0, Math.Min(b - 1, last) - limit));
        else if (after is { } a) (from, to) = (Math.Min(a, last), Math.Min(last, Math.Min(a, last) + limit)); // no overflow past the end
        else
        {
            (from, to) = (Math.Max(0, last - (long)page * limit), last - (long)(page - 1) * limit);
            var pages = (int)Math.Max(1, (last + limit - 1) / limit);
            pagination = new MessagePagination(page, pages, last, page < pages, page > 1, limit);
        }
        return new HistoryRange(from, to, pagination, after is null ? from > 0 : to < last);
    }
}
