namespace Parley.Server.Conversations;

/// <summary>The events this feature raises, by the type name clients see.</summary>
public static class ConversationEventTypes
{
    public const string ConversationNew = "conversation:new";
    public const string ConversationUpdated = "conversation:updated";
    public const string ConversationDeleted = "conversation:deleted";
    public const string MemberAdded = "member:added";
    public const string MemberRemoved = "member:removed";
    public const string MemberRole = "member:role";
}
