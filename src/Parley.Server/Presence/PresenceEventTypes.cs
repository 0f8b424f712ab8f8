using Parley.Server.Events;

namespace Parley.Server.Presence;

/// <summary>The events this feature raises, by the type name clients see.</summary>
public static class PresenceEventTypes
{
    public const string Typing = "typing";
    public const string Presence = "presence";

    public static IServiceCollection AddPresenceEvents(this IServiceCollection services) => services
        .AddEventType<TypingPayload>(Typing, "Ephemeral: someone else started or stopped typing (a start not refreshed ends by itself)")
        .AddEventType<PresencePayload>(Presence, "Ephemeral, personal: someone I share a conversation with changed status or went on- or offline");
}
