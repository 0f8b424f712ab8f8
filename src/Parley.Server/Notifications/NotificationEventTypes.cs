namespace Parley.Server.Notifications;

/// <summary>The events this feature raises, by the type name clients see.</summary>
public static class NotificationEventTypes
{
    public const string NotificationNew = "notification:new";
}
