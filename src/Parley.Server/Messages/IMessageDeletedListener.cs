using System.Data.Common;
using Parley.Server.Realtime;

namespace Parley.Server.Messages;

/// <summary>Told inside the deleting transaction, so what hangs off a message (reactions, pins) goes with it.</summary>
public interface IMessageDeletedListener
{
    Task MessageDeletedAsync(DbConnection connection, DbTransaction tx, MessageRow message, string deletedBy, List<ChatEvent> events);
}
