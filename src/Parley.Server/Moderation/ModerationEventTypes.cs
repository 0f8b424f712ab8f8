using Parley.Server.Events;

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
    /// <summary>Personal, to the blocker's other devices: {userId}.</summary>
    public const string UserBlocked = "user:blocked";
    public const string UserUnblocked = "user:unblocked";

    public static IServiceCollection AddModerationEvents(this IServiceCollection services) => services
        .AddEventType<UserSuspendedEvent>(UserSuspended, "Personal, to the administrator who acted: a user was suspended")
        .AddEventType<UserEvent>(UserUnsuspended, "Personal, to the administrator who acted: a suspension was lifted")
        .AddEventType<ReportUpdatedEvent>(ReportUpdated, "Personal, to the reporter: their report was handled or reopened")
        .AddEventType<MemberBannedEvent>(MemberBanned, "A member was banned from the conversation")
        .AddEventType<MemberUnbannedEvent>(MemberUnbanned, "A ban was lifted")
        .AddEventType<MemberTimedOutEvent>(MemberTimedOut, "A member was timed out (reads, cannot post) until a time, or the timeout ended (until null)")
        .AddEventType<UserEvent>(UserBlocked, "Personal: I blocked someone (my other devices)")
        .AddEventType<UserEvent>(UserUnblocked, "Personal: I unblocked someone (my other devices)");
}

public sealed record UserEvent(string UserId);

public sealed record UserSuspendedEvent(string UserId, DateTimeOffset? Until, string? Reason);

public sealed record ReportUpdatedEvent(string ReportId, string Status);

public sealed record MemberBannedEvent(string ConversationId, string UserId, DateTimeOffset? Until, string? Reason, string BannedBy);

public sealed record MemberUnbannedEvent(string ConversationId, string UserId, string UnbannedBy);

public sealed record MemberTimedOutEvent(string ConversationId, string UserId, DateTimeOffset? Until, string? Reason, string By);
