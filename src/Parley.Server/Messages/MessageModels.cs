using System.Text.Json.Serialization;
using Parley.Server.Api;
using Parley.Server.Data;
using Parley.Server.Uploads;
using Parley.Server.Users;

namespace Parley.Server.Messages;

public static class MessageTypes
{
    public const string Text = "text";
    public const string File = "file";
    public const string System = "system";

    /// <summary>What clients may send; <see cref="System"/> is written by the server only.</summary>
    public static readonly string[] ClientTypes = [Text, File, "visitor", "checkin", "checkout", "task", "note", "splitMoney"];

    /// <summary>The canonical spelling of a client type ("SPLITMONEY" → "splitMoney"); null when unknown.</summary>
    public static string? Normalize(string type) =>
        ClientTypes.FirstOrDefault(t => string.Equals(t, type.Trim(), StringComparison.OrdinalIgnoreCase));
}

/// <summary>A message row with its sender's profile columns (LEFT JOIN users).</summary>
public sealed class MessageRow
{
    public string Id { get; set; } = "";
    public string ConversationId { get; set; } = "";
    public long Seq { get; set; }
    public string SenderId { get; set; } = "";
    public string Type { get; set; } = MessageTypes.Text;
    public string? Content { get; set; }
    public string? FileUrl { get; set; }
    public string? Payload { get; set; }
    public string? ClientMessageId { get; set; }
    public string? ReplyToId { get; set; }
    public long CreatedAt { get; set; }
    public long? EditedAt { get; set; }
    public long? DeletedAt { get; set; }
    public string? DeletedBy { get; set; }
    public string? SenderUsername { get; set; }
    public string? SenderName { get; set; }
    public string? SenderPicture { get; set; }
    public string? SenderEmail { get; set; }
    public long? SenderDeletedAt { get; set; }
    // Threads: a reply's root and place in its thread; a root's thread (LEFT JOIN threads t).
    public string? ThreadId { get; set; }
    public long? ThreadSeq { get; set; }
    public long? ThreadReplyCount { get; set; }
    public long? ThreadLastReplyAt { get; set; }
    public string? ThreadParticipantIds { get; set; }
    /// <summary>The link preview (JSON) the background fetch stored.</summary>
    public string? Preview { get; set; }
    /// <summary>Not a column: the uploads the message holds, with URLs signed for whoever will see them.</summary>
    public IReadOnlyList<AttachmentDto>? Attachments { get; set; }
}

/// <summary>Who sent a message, with the profile fields seed 001 shows (name, email, profilePicture).</summary>
public sealed record MessageSender(string Id, string Username, string Name, string? ProfilePicture, string? Email)
{
    public static MessageSender Of(MessageRow r) => r.SenderUsername is null || r.SenderDeletedAt is not null
        ? new(r.SenderId, "deleted", UserDto.DeletedName, null, null)
        // No email: a message is serialised once for every recipient, and who may see an email depends on the viewer
        // (Privacy__EmailVisibility); member lists and /api/users carry it where it may be seen.
        : new(r.SenderId, r.SenderUsername, r.SenderName ?? r.SenderUsername, r.SenderPicture, null);
}

public sealed record SeenBy(string UserId, DateTimeOffset? Timestamp, DateTimeOffset? LastReadAt);

/// <summary>
/// A message as clients see it: the canonical fields plus seed 001's aliases (message, messageType, timestamp).
/// A deleted message keeps its place in history with content, fileUrl and payload null.
/// </summary>
public sealed record MessageDto(
    string Id, string ConversationId, long Seq, string SenderId, MessageSender Sender,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? ReceiverId,
    string Type, string? Content, string? Message, string MessageType, DateTimeOffset Timestamp,
    string? FileUrl, [property: JsonConverter(typeof(RawJsonConverter))] string? Payload, string? ClientMessageId, string? ReplyToId,
    DateTimeOffset CreatedAt, DateTimeOffset? EditedAt, bool Edited, bool Deleted, DateTimeOffset? DeletedAt, string? DeletedBy,
    bool Read, string Status,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<SeenBy>? SeenBy = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? ThreadId = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] long? ThreadSeq = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] bool? AlsoInConversation = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] ThreadSummary? Thread = null)
{
    /// <summary>Filled by the reactions feature through <see cref="MessageDecorators"/>; empty on a deleted message.</summary>
    public IReadOnlyList<ReactionSummary> Reactions { get; init; } = [];
    /// <summary>Files sent with the message (issue #15); absent when none.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<AttachmentDto>? Attachments { get; init; }

    /// <summary>The first link's preview {url, title, description, imageUrl, siteName}, once fetched.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull), JsonConverter(typeof(RawJsonConverter))]
    public string? Preview { get; init; }

    /// <param name="directKey">The direct conversation's sorted pair "a:b", from which receiverId is the side that did not send.</param>
    public static MessageDto From(MessageRow r, string? directKey, bool read)
    {
        var deleted = r.DeletedAt is not null;
        var content = deleted ? null : r.Content;
        var created = Clock.ToTime(r.CreatedAt);
        // A thread-only reply's stored seq is negative (migration 031): it has no place in the timeline, so clients see 0.
        return new MessageDto(r.Id, r.ConversationId, Math.Max(0, r.Seq), r.SenderId, MessageSender.Of(r), ReceiverOf(directKey, r.SenderId),
            r.Type, content, content, r.Type, created, deleted ? null : r.FileUrl, deleted ? null : r.Payload, r.ClientMessageId, r.ReplyToId,
            created, Clock.ToTime(r.EditedAt), r.EditedAt is not null, deleted, Clock.ToTime(r.DeletedAt), r.DeletedBy, read, "saved",
            ThreadId: r.ThreadId, ThreadSeq: r.ThreadSeq, AlsoInConversation: r.ThreadId is null ? null : r.Seq > 0, Thread: ThreadSummary.Of(r))
        {
            Attachments = deleted ? null : r.Attachments,
            Preview = deleted ? null : r.Preview,
        };
    }

    private static string? ReceiverOf(string? directKey, string senderId)
    {
        var colon = directKey?.IndexOf(':') ?? -1;
        if (colon < 0) return null;
        var (a, b) = (directKey![..colon], directKey[(colon + 1)..]);
        return a == senderId ? b : a;
    }
}

/// <summary>
/// One emoji on a message: how many reacted, whether the viewer did, and the first few who did (oldest first). Events
/// go to every member alike, so their copy has no <see cref="Me"/>: a client keeps its own from the REST view and from
/// the reaction events whose userId is its own.
/// </summary>
public sealed record ReactionSummary(string Emoji, long Count,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] bool? Me, IReadOnlyList<string> UserIds);

/// <summary>seed 001's pagination block; totalMessages is the conversation's last seq (seqs are gap-free).</summary>
public sealed record MessagePagination(int CurrentPage, int TotalPages, long TotalMessages, bool HasNextPage, bool HasPrevPage, int Limit);

/// <summary>
/// A page of history in ascending seq order. Page mode fills <see cref="Pagination"/>; cursor mode
/// (before/after) leaves it null. <see cref="HasMore"/>: older messages exist (page, before) or newer ones (after).
/// </summary>
public sealed record MessagePage(List<MessageDto> Messages, MessagePagination? Pagination, bool HasMore, long? OldestSeq, long? NewestSeq);

/// <summary>The outcome of moving a read marker. <see cref="ModifiedCount"/>: unread messages this call marked read.</summary>
public sealed record ReadState(string ConversationId, string UserId, string? MessageId, long LastReadSeq, DateTimeOffset? LastReadAt,
    bool Moved, long ModifiedCount, long UnreadCount);

/// <summary>seed 001's answer to marking one message read, with the marker it moved.</summary>
public sealed record MessageReadDto(string Id, string ConversationId, long Seq, bool Read, IReadOnlyList<SeenBy> SeenBy,
    long LastReadSeq, DateTimeOffset? LastReadAt, long ModifiedCount);

public sealed record DeletedMessageDto(string Id, string ConversationId, long Seq, bool Deleted, string? DeletedBy, DateTimeOffset? DeletedAt);

public sealed record ConversationUnread(string ConversationId, long UnreadCount);

public sealed record UnreadSummary(long UnreadCount,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<ConversationUnread>? Conversations = null);

public sealed record SendResult(MessageDto Message, bool Created);

/// <summary>Event payloads; every one carries conversationId.</summary>
public sealed record MessageEvent(string ConversationId, MessageDto Message);

public sealed record MessageDeletedEvent(string ConversationId, string MessageId, string Id, long Seq, string? DeletedBy, DateTimeOffset? DeletedAt);

public sealed record MessageReadEvent(string ConversationId, string UserId, long LastReadSeq, DateTimeOffset? LastReadAt, string? MessageId);

/// <summary>What a root message carries about its thread (the Threads feature keeps it).</summary>
public sealed record ThreadSummary(long ReplyCount, DateTimeOffset? LastReplyAt, IReadOnlyList<string> ParticipantIds)
{
    /// <summary>The summary of a root (from the LEFT JOIN of threads); null for a message nobody has replied to.</summary>
    public static ThreadSummary? Of(MessageRow r) => r.ThreadReplyCount is { } count
        ? new(count, Clock.ToTime(r.ThreadLastReplyAt), Ids(r.ThreadParticipantIds))
        : null;

    public static IReadOnlyList<string> Ids(string? commaSeparated) =>
        string.IsNullOrEmpty(commaSeparated) ? [] : commaSeparated.Split(',', StringSplitOptions.RemoveEmptyEntries);
}
