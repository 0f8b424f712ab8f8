using Parley.Server.Events;

namespace Parley.Server.Messages;

/// <summary>Told inside the deleting transaction, so what hangs off a message (reactions, pins) goes with it.</summary>
public interface IMessageDeletedListener
{
    Task MessageDeletedAsync(EventBatch batch, MessageRow message, string deletedBy);
}
