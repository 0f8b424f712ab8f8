using System.Security.Claims;
using Dapper;
using Parley.Server.Api;
using Parley.Server.Data;
using Parley.Server.Events;

namespace Parley.Server.Conversations;

public sealed record MuteRequest(DateTimeOffset? Until);

public sealed record MuteState(string ConversationId, bool Muted, DateTimeOffset? MutedUntil);

/// <summary>
/// Muting a conversation for myself: it notifies me of nothing (mentions included) until I unmute it or the time
/// given passes; its unread count still counts. My other devices hear of it (conversation:muted, personal).
/// </summary>
public static class Mutes
{
    public const string MutedEvent = ConversationEventTypes.Muted;

    public static RouteGroupBuilder MapMutes(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/conversations/{id}/mute").WithTags("Conversations");
        group.MapPut("/", async (string id, Body<MuteRequest> body, ClaimsPrincipal user, EventScope scope, CancellationToken ct) =>
            (await SetAsync(scope, user.Id(), id, true, body.Value.Until, ct)).ToResult(m => Ok.With(m, "Conversation muted")));
        group.MapDelete("/", async (string id, ClaimsPrincipal user, EventScope scope, CancellationToken ct) =>
            (await SetAsync(scope, user.Id(), id, false, null, ct)).ToResult(m => Ok.With(m, "Conversation unmuted")));
        return api;
    }

    public static async Task<Outcome<MuteState>> SetAsync(EventScope scope, string callerId, string conversationId, bool mute, DateTimeOffset? until,
        CancellationToken ct)
    {
        var now = Clock.NowMs();
        if (mute && until is { } end && end.ToUnixTimeMilliseconds() <= now) return Failure.Invalid("until", "until must be in the future (or left out: until unmuted)");
        var untilMs = mute ? until?.ToUnixTimeMilliseconds() : null;
        return await scope.TryWriteAsync<MuteState>(async batch =>
        {
            var changed = await batch.Connection.ExecuteAsync(
                """
                UPDATE members SET muted = @mute, muted_until = @untilMs
                WHERE conversation_id = @conversationId AND user_id = @callerId
                  AND EXISTS (SELECT 1 FROM conversations c WHERE c.id = @conversationId AND c.deleted_at IS NULL)
                """, new { mute, untilMs, conversationId, callerId }, batch.Transaction);
            if (changed == 0) return Failure.ConversationNotFound;
            var state = new MuteState(conversationId, mute, Clock.ToTime(untilMs));
            await batch.AppendAsync(MutedEvent, null, callerId, state);
            return state;
        }, ct);
    }
}
