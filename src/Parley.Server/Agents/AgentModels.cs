using System.Text.Json.Serialization;

namespace Parley.Server.Agents;

/// <summary>How an answer of the agent stands; stored in agent_replies and in the message's payload.</summary>
public static class ReplyStatus
{
    public const string Streaming = "streaming";
    public const string Complete = "complete";
    public const string Stopped = "stopped";
    public const string Deleted = "deleted";
    public const string Timeout = "timeout";
    public const string Error = "error";
    public const string Interrupted = "interrupted";
    public const string NotConfigured = "not_configured";
    public const string RateLimited = "rate_limited";
    public const string BudgetExhausted = "budget_exhausted";
    public const string Busy = "busy";
}

/// <summary>
/// The payload of every agent message: {agent:true, status, streaming, requestedBy, error?}. A client shows a
/// "generating" state while streaming is true and appends message:delta text to the content it has.
/// </summary>
public sealed record AgentPayload(string Status, string RequestedBy,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] AgentError? Error = null)
{
    public bool Agent => true;
    public bool Streaming => Status == ReplyStatus.Streaming;
}

/// <param name="Code">provider_error, provider_unreachable, timeout, …</param>
/// <param name="HttpStatus">The provider's HTTP status, when it answered with one.</param>
public sealed record AgentError(string Code, [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? HttpStatus = null);

/// <summary>
/// message:delta: <see cref="Text"/> goes at <see cref="Offset"/> (UTF-16 code units, as JavaScript counts) of the
/// streaming message's content. Stored in the event log, so a client that resumes gets the deltas it missed.
/// </summary>
public sealed record MessageDeltaEvent(string ConversationId, string MessageId, long Seq, int Offset, string Text);

/// <summary>A person's message the agent should answer.</summary>
/// <param name="RetryAfter">Set when the asker is over the per-minute limit: the agent says so instead of answering.</param>
public sealed record ReplyJob(string ConversationId, string ConversationType, string TriggerMessageId, long TriggerSeq, string RequesterId,
    TimeSpan? RetryAfter = null);

public static class AgentEvents
{
    /// <summary>A stop request for a running answer, addressed to the agent user on the bus (never stored, no socket receives it).</summary>
    public const string Stop = "agent:stop";
    public const string MessageDelta = AgentEventTypes.MessageDelta;
}

/// <summary>The events this feature raises, by the type name clients see.</summary>
public static class AgentEventTypes
{
    /// <summary>Text appended to a streaming message (the agent's answer): {conversationId, messageId, seq, offset, text}.</summary>
    public const string MessageDelta = "message:delta";
}
