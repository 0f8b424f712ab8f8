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

    /// <summary>
    /// The same files with URLs signed for one user: the answer to the sender or editor, whose copy (unlike the event's,
    /// signed for the conversation) works in an &lt;img src&gt; without the file cookie.
    /// </summary>
    public List<AttachmentDto> SignedFor(IEnumerable<AttachmentDto> files, string userId)
    {
        var scope = UrlScope.User(userId);
        return files.Select(a => a with { Url = urls.File(a.Id, scope), ThumbnailUrl = a.ThumbnailUrl is null ? null : urls.Thumbnail(a.Id, scope) }).ToList();
    }

    /// <summary>The attachments of these messages (of any conversations), by message id, with URLs signed for <paramref name="scope"/>.</summary>
    public async Task<Dictionary<string, List<AttachmentDto>>> ForMessagesAsync(DbConnection connection, DbTransaction? tx,
        IEnumerable<string> messageIds, UrlScope scope)
    {
        var ids = messageIds.Distinct(StringComparer.Ordinal).ToArray();
        return ids.Length == 0 ? [] : ByMessage(await UploadStore.ForMessagesAsync(connection, tx, ids), scope);
    }

    private Dictionary<string, List<AttachmentDto>> ByMessage(List<UploadRow> rows, UrlScope scope)
    {
        var byMessage = new Dictionary<string, List<AttachmentDto>>(StringComparer.Ordinal);
        foreach (var row in rows)
        {
            if (!byMessage.TryGetValue(row.MessageId!, out var list)) byMessage[row.MessageId!] = list = [];
            list.Add(row.ToDto(urls, scope));
        }
        return byMessage;
    }

    /// <summary>The attachments of the messages with seqs in (from, to], by message id, with URLs signed for <paramref name="scope"/>.</summary>
    public async Task<Dictionary<string, List<AttachmentDto>>> ForRangeAsync(DbConnection connection, DbTransaction? tx, string conversationId,
        long fromExclusive, long toInclusive, UrlScope scope)
    {
        if (toInclusive <= fromExclusive) return new(StringComparer.Ordinal);
        return ByMessage(await UploadStore.ForRangeAsync(connection, tx, conversationId, fromExclusive, toInclusive), scope);
    }
}
