using System.Text.Json;
using Parley.Server.Api;
using Parley.Server.Data;
using Parley.Server.Events;

namespace Parley.Server.Auth;

/// <summary>
/// Revokes a user's tokens on every node at once. A changed security stamp (password change, account
/// deletion) goes out as an internal bus message (<see cref="AuthEventTypes.StampChanged"/>, never sent to a
/// client): every node drops its cached stamp of the user, so an old token fails on the next request there,
/// and its gateway closes the user's open sockets with 4401 "token revoked", the way a password change signs other
/// sessions out in Slack or Discord. The cache's age limit (Auth:StampCacheSeconds) remains the fallback
/// for a message lost while Redis was away.
/// </summary>
public sealed class Revocations(UserStamps stamps, IEventBus bus) : IHostedService
{
    public const string Reason = "token revoked";
    public const string SuspendedReason = "account suspended";

    /// <summary>Call after the transaction that changed the stamp committed; not cancellable, the change is made.</summary>
    public Task StampChangedAsync(string userId) => PublishAsync(AuthEventTypes.StampChanged, userId);

    /// <summary>A suspension rotated the stamp: the same revocation, but sockets close with 4403 "account suspended".</summary>
    public Task SuspendedAsync(string userId) => PublishAsync(AuthEventTypes.Suspended, userId);

    private async Task PublishAsync(string type, string userId)
    {
        // At once on this node, whatever happens to the message.
        stamps.Forget(userId);
        var data = JsonSerializer.SerializeToUtf8Bytes(new { userId }, JsonSetup.Default);
        await bus.PublishAsync([new ChatEvent(0, type, null, userId, Clock.NowMs(), data)]);
    }

    public Task StartAsync(CancellationToken ct)
    {
        bus.Subscribe(OnEvent);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken ct) => Task.CompletedTask;

    private ValueTask OnEvent(ChatEvent e)
    {
        if (e.Type is not (AuthEventTypes.StampChanged or AuthEventTypes.Suspended) || e.UserId is not { } userId) return ValueTask.CompletedTask;
        stamps.Forget(userId);
        return ValueTask.CompletedTask;
    }
}
