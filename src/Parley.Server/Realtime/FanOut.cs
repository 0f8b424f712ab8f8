using Parley.Server.Auth;
using Parley.Server.Conversations;
using Parley.Server.Events;
using Parley.Server.Monitoring;

namespace Parley.Server.Realtime;

/// <summary>
/// Delivers every event from the bus to this node's sockets: conversation events to the current members
/// (minus <see cref="ChatEvent.ExceptUserId"/>), personal events to their user, on every device. Each wire form is
/// serialised once, on the first local recipient that needs it (<see cref="EventDelivery"/>), and the same bytes are queued for all of them. Messages
/// between nodes (<see cref="ChatEvent.IsInternal"/>) never reach a socket (a revocation closes the user's sockets); ephemeral state that ends by
/// itself (typing) is shown to its <see cref="IEphemeralExpiry"/> first, which ends it here if nobody else does.
/// </summary>
public sealed partial class FanOut(IEventBus bus, ConnectionRegistry registry, MembershipCache members, IEphemeralExpiry expiry,
    ServerMetrics metrics, ILogger<FanOut> logger)
    : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        bus.Subscribe(DeliverAsync);
        metrics.OnScrape(MeasureSockets);
        return Task.CompletedTask;
    }

    private void MeasureSockets()
    {
        int open = 0, queued = 0, deepest = 0;
        foreach (var connection in registry.All())
        {
            var depth = connection.QueuedFrames;
            (open, queued, deepest) = (open + 1, queued + depth, Math.Max(deepest, depth));
        }
        metrics.SocketsOpen.Set(open);
        metrics.SendQueueDepth.Set(queued);
        metrics.SendQueueDeepest.Set(deepest);
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
            var sockets = 0;
            if (e.ConversationId is { } conversationId)
            {
                foreach (var userId in (await members.GetAsync(conversationId)).UserIds)
                    if (userId != e.ExceptUserId) sockets += Send(userId, e, ref delivery);
            }
            else if (e.UserId is { } userId) sockets += Send(userId, e, ref delivery);
            if (sockets > 0) metrics.EventsDelivered.Inc(sockets);
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

    private int Send(string userId, ChatEvent e, ref EventDelivery? delivery)
    {
        var connections = registry.Of(userId);
        if (connections.IsEmpty) return 0;
        delivery ??= new EventDelivery(e);
        foreach (var connection in connections) connection.Deliver(delivery);
        return connections.Length;
    }

    [LoggerMessage(LogLevel.Error, "Delivering event {Type} ({Cursor}) failed")]
    private static partial void LogFailed(ILogger logger, Exception error, string type, long cursor);
}
