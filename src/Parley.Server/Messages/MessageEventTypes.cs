namespace Parley.Server.Messages;

/// <summary>The events this feature raises, by the type name clients see.</summary>
public static class MessageEventTypes
{
    public const string MessageNew = "message:new";
    public const string MessageUpdated = "message:updated";
    public const string MessageDeleted = "message:deleted";
    public const string MessageRead = "message:read";
}
