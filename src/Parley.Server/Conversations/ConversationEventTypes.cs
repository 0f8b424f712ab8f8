using Parley.Server.Events;

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
    public const string Muted = "conversation:muted";

    public static IServiceCollection AddConversationEvents(this IServiceCollection services) => services
        .AddEventType<ConversationEvent>(ConversationNew, "A conversation I am now in: created, joined, or a direct one reopened")
        .AddEventType<ConversationUpdatedEvent>(ConversationUpdated, "A conversation's name, description, picture or settings changed")
        .AddEventType<ConversationDeletedEvent>(ConversationDeleted, "A conversation was deleted (or I left it and it ended)")
        .AddEventType<MemberAddedEvent>(MemberAdded, "Someone joined or was added")
        .AddEventType<MemberRemovedEvent>(MemberRemoved, "Someone left, was removed or banned; the one gone gets a copy")
        .AddEventType<MemberRoleEvent>(MemberRole, "A member's role changed")
        .AddEventType<MuteState>(Muted, "Personal: I muted or unmuted a conversation (my other devices)");
}

public sealed record ConversationEvent(string ConversationId, ConversationDto Conversation);

public sealed record ConversationUpdatedEvent(string ConversationId, ConversationDto Conversation, string UpdatedBy);

public sealed record ConversationDeletedEvent(string ConversationId, string DeletedBy);

public sealed record MemberAddedEvent(string ConversationId, string UserId, MemberDto Member, string AddedBy);

public sealed record MemberRemovedEvent(string ConversationId, string UserId, string RemovedBy, string Reason);

public sealed record MemberRoleEvent(string ConversationId, string UserId, string Role, string ChangedBy);
