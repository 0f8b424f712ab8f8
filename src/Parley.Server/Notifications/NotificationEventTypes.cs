using Parley.Server.Events;

namespace Parley.Server.Notifications;

/// <summary>The events this feature raises, by the type name clients see.</summary>
public static class NotificationEventTypes
{
    public const string NotificationNew = "notification:new";

    public static IServiceCollection AddNotificationEvents(this IServiceCollection services) =>
        services.AddEventType<NotificationEvent>(NotificationNew, "Personal: a new notification (a mention, being added, a role change, a warning)");
}

public sealed record NotificationEvent(string? ConversationId, NotificationDto Notification);
