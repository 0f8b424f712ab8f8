namespace Parley.Server.Moderation;

/// <summary>The events this feature raises, by the type name clients see.</summary>
public static class ModerationEventTypes
{
    /// <summary>To the administrator who acted (their other tabs): {userId, until, reason}.</summary>
    public const string UserSuspended = "admin:user_suspended";
    public const string UserUnsuspended = "admin:user_unsuspended";
    public const string ReportUpdated = "report:updated";
    /// <summary>To the conversation: {conversationId, userId, until, reason, by}.</summary>
    public const string MemberBanned = "member:banned";
    public const string MemberUnbanned = "member:unbanned";
    public const string MemberTimedOut = "member:timeout";
}
