using System.Data.Common;
using Parley.Server.Api;

namespace Parley.Server.Uploads;

/// <summary>What the messages feature asks of uploads: attach them to a message being sent, and show them with messages.</summary>
public sealed class Attachments(FileUrls urls)
{
    public static readonly Failure NotYours = Failure.Invalid("attachments", "Each attachment must be an upload of yours, not sent before");

    /// <summary>
    /// Inside the send's transaction: the sender's own unsent uploads become the message's, in the order given; any
    /// other id fails the send (and the transaction rolls back).
    /// </summary>
    public async Task<Outcome<List<AttachmentDto>>> ClaimAsync(DbConnection connection, DbTransaction tx, string[] uploadIds, string senderId,
        string conversationId, string messageId)
    {
        var ids = uploadIds.Distinct(StringComparer.Ordinal).ToArray();
        var rows = await UploadStore.ClaimAsync(connection, tx, ids, senderId, conversationId, messageId);
        if (rows.Count != ids.Length) return NotYours;
        var scope = UrlScope.Conversation(conversationId);
        return rows.OrderBy(r => Array.IndexOf(ids, r.Id)).Select(r => r.ToDto(urls, scope)).ToList();
    }

    /// <summary>The attachments of the messages with seqs in (from, to], by message id, with URLs signed for <paramref name="scope"/>.</summary>
    public async Task<Dictionary<string, List<AttachmentDto>>> ForRangeAsync(DbConnection connection, DbTransaction? tx, string conversationId,
        long fromExclusive, long toInclusive, UrlScope scope)
    {
        var byMessage = new Dictionary<string, List<AttachmentDto>>(StringComparer.Ordinal);
        if (toInclusive <= fromExclusive) return byMessage;
        foreach (var row in await UploadStore.ForRangeAsync(connection, tx, conversationId, fromExclusive, toInclusive))
        {
            if (!byMessage.TryGetValue(row.MessageId!, out var list)) byMessage[row.MessageId!] = list = [];
            list.Add(row.ToDto(urls, scope));
        }
        return byMessage;
    }
}
