using Parley.Server.Messages;

namespace Parley.Server.Reactions;

/// <summary>The events this feature raises, by the type name clients see.</summary>
public static class ReactionEventTypes
{
    public const string Added = "reaction:added";
    public const string Removed = "reaction:removed";
}

public static class ReactionLimits
{
    /// <summary>Distinct emoji on one message (Discord allows 20, Slack 50).</summary>
    public const int DistinctPerMessage = 50;
    /// <summary>How many of the reacting users a message carries per emoji; the count says how many there are.</summary>
    public const int UserIdsShown = 5;
}

/// <summary>reaction:added / reaction:removed; count is the emoji's count after the change.</summary>
public sealed record ReactionEvent(string ConversationId, string MessageId, string Emoji, string UserId, long Count);

/// <summary>The answer to adding or removing mine: the change (changed false when it was already so) and the message's reactions now.</summary>
public sealed record ReactionChange(string ConversationId, string MessageId, string Emoji, string UserId, long Count, bool Changed,
    IReadOnlyList<ReactionSummary> Reactions);

/// <summary>reaction:add / reaction:remove over the socket.</summary>
public sealed record ReactionRequest(string? ConversationId = null, string? MessageId = null, string? Emoji = null);

/// <summary>A reaction row of a page, with the window figures for its emoji.</summary>
public sealed class ReactionRow
{
    public string MessageId { get; set; } = "";
    public string Emoji { get; set; } = "";
    public string UserId { get; set; } = "";
    public long Total { get; set; }
    public long Mine { get; set; }
    public long FirstAt { get; set; }
}
