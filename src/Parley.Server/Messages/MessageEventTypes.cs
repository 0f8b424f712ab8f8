using Parley.Server.Events;

namespace Parley.Server.Messages;

/// <summary>The events this feature raises, by the type name clients see.</summary>
public static class MessageEventTypes
{
    public const string MessageNew = "message:new";
    public const string MessageUpdated = "message:updated";
    public const string MessageDeleted = "message:deleted";
    public const string MessageRead = "message:read";

    public static IServiceCollection AddMessageEvents(this IServiceCollection services) => services
        .AddEventType<MessageEvent>(MessageNew, "A message was sent (system messages included)")
        .AddEventType<MessageEvent>(MessageUpdated, "A message was edited, got its link preview, or an agent's answer finished")
        .AddEventType<MessageDeletedEvent>(MessageDeleted, "A message was deleted")
        .AddEventType<MessageReadEvent>(MessageRead, "A member's read marker moved forward");
}
