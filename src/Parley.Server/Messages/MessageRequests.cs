using System.Text.Json;
using Parley.Server.Api;
using Parley.Server.Uploads;
using Parley.Server.Users;

namespace Parley.Server.Messages;

/// <summary>
/// Every seed's way of sending: 001's {conversationId, message, messageType, fileUrl, payload}, 002's
/// {senderId, receiverId, content}, 003's {content, type}, 004's {conversation_id, sender_id, message}.
/// </summary>
public sealed record SendMessageRequest(
    string? ConversationId = null, string? ReceiverId = null, string? SenderId = null,
    string? Content = null, string? Message = null, string? NewContent = null, string? Text = null,
    string? Type = null, string? MessageType = null, string? FileUrl = null, JsonElement? Payload = null,
    string? ClientMessageId = null, string? ReplyToId = null, string? ThreadId = null, bool AlsoInConversation = false, string[]? Attachments = null)
{
    public const int MaxContent = 4000;
    public const int MaxPayloadBytes = 16 * 1024;

    public string? Body => Content ?? Message ?? NewContent ?? Text;

    public Outcome<NewMessage> Validate()
    {
        var v = new Validator();
        var rawType = Type ?? MessageType ?? MessageTypes.Text;
        var type = MessageTypes.Normalize(rawType);
        if (string.Equals(rawType.Trim(), MessageTypes.System, StringComparison.OrdinalIgnoreCase))
            v.Add("type", "System messages are written by the server only");
        else v.Check(type is not null, "type", "Type must be one of " + string.Join(", ", MessageTypes.ClientTypes));

        var content = Body;
        v.Check(content is null || content.Length <= MaxContent, "content", $"Content must be at most {MaxContent:N0} characters");
        var hasAttachments = Attachments is { Length: > 0 };
        v.Check(Attachments is null || Attachments.Length <= UploadOptions.MaxAttachments, "attachments",
            $"A message may hold at most {UploadOptions.MaxAttachments} attachments");
        v.Check(Attachments is null || Attachments.All(a => a is { Length: > 0 and <= 100 }), "attachments", "attachments must be upload ids");
        if (type == MessageTypes.Text) v.Check(!TextRules.IsBlank(content) || hasAttachments, "content", "A text message needs content");
        v.Check(FileUrl is null || UserRules.IsHttpUrl(FileUrl), "fileUrl", "fileUrl must be an http(s) URL of at most 2,048 characters");
        if (type == MessageTypes.File) v.Check(FileUrl is not null || hasAttachments, "fileUrl", "A file message needs attachments or a fileUrl");
        var hasPayload = Payload is { ValueKind: not JsonValueKind.Null };
        v.Check(!hasPayload || Payload!.Value.ValueKind == JsonValueKind.Object, "payload", "payload must be a JSON object");
        if (type is not (null or MessageTypes.Text or MessageTypes.File))
            v.Check(!TextRules.IsBlank(content) || hasPayload || FileUrl is not null || hasAttachments, "content",
                $"A {type} message needs content, payload, fileUrl or attachments");
        v.Check(ClientMessageId is null || ClientMessageId.Length is > 0 and <= 100, "clientMessageId", "clientMessageId must be 1 to 100 characters");
        v.Check(ReplyToId is null || ReplyToId.Length is > 0 and <= 100, "replyToId", "replyToId must be a message id");
        v.Check(ThreadId is null || ThreadId.Length is > 0 and <= 100, "threadId", "threadId must be a message id");
        v.Check(ThreadId is not null || !AlsoInConversation, "alsoInConversation", "alsoInConversation needs a threadId");
        if (v.Failed) return v.ToFailure();

        string? payload = null;
        if (hasPayload)
        {
            payload = JsonSetup.Compact(Payload!.Value);
            if (System.Text.Encoding.UTF8.GetByteCount(payload) > MaxPayloadBytes)
                return Failure.TooLarge($"payload must be at most {MaxPayloadBytes / 1024} KiB of JSON");
        }
        return new NewMessage(type!, content, FileUrl, payload, ClientMessageId, ReplyToId, ThreadId, AlsoInConversation) { Attachments = hasAttachments ? Attachments : null };
    }
}

/// <summary>A validated message to insert (payload as compact JSON text).</summary>
public sealed record NewMessage(string Type, string? Content, string? FileUrl, string? Payload, string? ClientMessageId, string? ReplyToId,
    string? ThreadId = null, bool AlsoInConversation = false)
{
    /// <summary>Upload ids to attach (issue #15).</summary>
    public string[]? Attachments { get; init; }
}

/// <summary>003's {newContent}, 001's {message}, or {content}; the ids come from the route, or from a gateway frame.</summary>
public sealed record EditMessageRequest(string? NewContent = null, string? Content = null, string? Message = null, string? Text = null,
    string? MessageId = null, string? ConversationId = null)
{
    public string? Body => NewContent ?? Content ?? Message ?? Text;
}

public sealed record DeleteMessageRequest(string? MessageId = null, string? ConversationId = null);

/// <summary>003's {lastMessageId}; also {messageId} or a seq. Nothing means everything.</summary>
public sealed record ReadRequest(string? LastMessageId = null, string? MessageId = null, long? Seq = null, long? LastReadSeq = null,
    string? ConversationId = null)
{
    public string? TargetId => LastMessageId ?? MessageId;
    public long? TargetSeq => Seq ?? LastReadSeq;
}

/// <summary>History: page/limit (page 1 = newest), or a before/after seq cursor.</summary>
public sealed record ListMessages(string ConversationId, int Page = 1, int Limit = Paging.DefaultLimit, long? Before = null, long? After = null);
