using Parley.Server.Auth;
using Parley.Server.Conversations;
using Parley.Server.Events;
using Parley.Server.Safety;

namespace Parley.Server.Realtime;

/// <summary>
/// Delivers every event from the bus to this node's sockets: conversation events to the current members
/// (minus <see cref="ChatEvent.ExceptUserId"/>), personal events to their user, on every device. Each wire form is
/// serialised once, on the first local recipient that needs it (<see cref="EventDelivery"/>), and the same bytes are queued for all of them. Messages
/// between nodes (<see cref="ChatEvent.IsInternal"/>) never reach a socket (a revocation closes the user's sockets); ephemeral state that ends by
/// itself (typing) is shown to its <see cref="IEphemeralExpiry"/> first, which ends it here if nobody else does. A conversation event's
/// user id is whose doing it is (a message's sender, a reactor, a typer): members who blocked them do not get it (the
/// <see cref="BlockList"/> answers from memory).
/// </summary>
public sealed partial class FanOut(IEventBus bus, ConnectionRegistry registry, MembershipCache members, IEphemeralExpiry expiry, BlockList blocks,
    ILogger<FanOut> logger)
    : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        bus.Subscribe(DeliverAsync);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async ValueTask DeliverAsync(ChatEvent e)
    {
        if (e.IsInternal)
        {
            if (e.Type == AuthEventTypes.StampChanged && e.UserId is { } revoked)
                foreach (var connection in registry.Of(revoked)) connection.Close(Gateway.Unauthorized, Revocations.Reason);
            else if (e.Type == AuthEventTypes.Suspended && e.UserId is { } suspended)
                foreach (var connection in registry.Of(suspended)) connection.Close(Gateway.Forbidden, Revocations.SuspendedReason, drain: false);
            return;
        }
        if (e.Type == expiry.EventType) await expiry.ObserveAsync(e, DeliverHereAsync);
        await DeliverHereAsync(e);
    }

    private async ValueTask DeliverHereAsync(ChatEvent e)
    {
        var changed = MembershipCache.ChangedConversation(e);
        // A deletion still reaches the members it is about; every other membership change is read fresh first.
        if (changed is not null && e.Type != ConversationEventTypes.ConversationDeleted) members.Invalidate(changed);
        try
        {
            EventDelivery? delivery = null;
            if (e.ConversationId is { } conversationId)
            {
                foreach (var userId in (await members.GetAsync(conversationId)).UserIds)
                {
                    if (userId == e.ExceptUserId) continue;
                    var connections = registry.Of(userId);
                    if (connections.IsEmpty || (e.UserId is { } actor && await blocks.HidesAsync(userId, actor))) continue;
                    delivery ??= new EventDelivery(e);
                    foreach (var connection in connections) connection.Deliver(delivery);
                }
            }
            else if (e.UserId is { } userId && registry.Of(userId) is { IsEmpty: false } connections)
            {
                delivery = new EventDelivery(e);
                foreach (var connection in connections) connection.Deliver(delivery);
            }
        }
        catch (Exception error)
        {
            // The change is committed; a client that missed it catches up with resume.
            LogFailed(logger, error, e.Type, e.Cursor);
        }
        finally
        {
            if (changed is not null && e.Type == ConversationEventTypes.ConversationDeleted) members.Invalidate(changed);
        }
    }

    [LoggerMessage(LogLevel.Error, "Delivering event {Type} ({Cursor}) failed")]
    private static partial void LogFailed(ILogger logger, Exception error, string type, long cursor);
}
