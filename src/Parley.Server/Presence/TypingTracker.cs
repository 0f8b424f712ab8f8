using System.Text.Json;
using Microsoft.Extensions.Options;
using Parley.Server.Api;
using Parley.Server.Data;
using Parley.Server.Events;

namespace Parley.Server.Presence;

public sealed record TypingRequest(string? ConversationId);

public sealed record TypingPayload(string ConversationId, string UserId, bool IsTyping);

/// <summary>
/// Who is typing where, from this node's sockets. Ephemeral: published on the bus (never stored) to the
/// conversation's other members. A start carries <see cref="TypingOptions.TypingTimeout"/> as its lifetime:
/// when it is not refreshed in time, every node ends it for its own sockets (<see cref="TypingExpiry"/>), so
/// it ends also when this node is gone. A stop request, and the socket that started it closing, end it here.
/// </summary>
public sealed partial class TypingTracker(IConversationMembers members, IEventBus bus, IOptions<TypingOptions> options, TimeProvider time,
    Db db, ILogger<TypingTracker> logger)
{
    private sealed record Typing(ITimer Timer, string ConnectionId);

    private readonly Dictionary<(string ConversationId, string UserId), Typing> _active = [];
    private readonly Lock _gate = new();

    public async Task<Outcome<TypingPayload>> StartAsync(string userId, string connectionId, string? conversationId, CancellationToken ct)
    {
        if (await CheckAsync(userId, conversationId, ct) is { } failure) return failure;
        if (await TimedOutUntilAsync(conversationId!, userId, ct) is { } until)
            return new Failure(403, "timed_out", "You are timed out in this conversation", new { until = Clock.ToTime(until) });
        var key = (conversationId!, userId);
        lock (_gate)
        {
            if (_active.Remove(key, out var previous)) previous.Timer.Dispose();
            Typing? typing = null;
            var timer = time.CreateTimer(_ => Expire(key, typing!), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            _active[key] = typing = new Typing(timer, connectionId);
            timer.Change(options.Value.TypingTimeout, Timeout.InfiniteTimeSpan);
        }
        return await PublishAsync(key, true, ct);
    }

    public async Task<Outcome<TypingPayload>> StopAsync(string userId, string? conversationId, CancellationToken ct)
    {
        if (await CheckAsync(userId, conversationId, ct) is { } failure) return failure;
        var key = (conversationId!, userId);
        return Forget(key, _ => true) ? await PublishAsync(key, false, ct) : new TypingPayload(key.Item1, userId, false);
    }

    /// <summary>Sending ends "typing…" for the sender, as every chat client expects (REST and gateway sends alike); membership is checked by the send.</summary>
    public Task MessageSentAsync(string userId, string conversationId, CancellationToken ct) =>
        Forget((conversationId, userId), _ => true) ? PublishAsync((conversationId, userId), false, ct) : Task.CompletedTask;

    /// <summary>Stops whatever the closed socket was typing.</summary>
    public async Task DisconnectedAsync(string connectionId)
    {
        List<(string, string)> keys;
        lock (_gate) keys = [.. _active.Where(a => a.Value.ConnectionId == connectionId).Select(a => a.Key)];
        foreach (var key in keys)
            if (Forget(key, t => t.ConnectionId == connectionId)) await PublishSafelyAsync(key);
    }

    /// <summary>Every node delivering the start ends it by itself (<see cref="TypingExpiry"/>): here it is only forgotten.</summary>
    private void Expire((string, string) key, Typing expired) =>
        // A refreshed start has a new timer: the old one firing late must not forget it.
        Forget(key, t => ReferenceEquals(t, expired));

    private bool Forget((string, string) key, Func<Typing, bool> matches)
    {
        lock (_gate)
        {
            if (!_active.TryGetValue(key, out var typing) || !matches(typing)) return false;
            _active.Remove(key);
            typing.Timer.Dispose();
            return true;
        }
    }

    private async Task<Failure?> CheckAsync(string userId, string? conversationId, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(conversationId)) return Failure.Invalid("conversationId", "conversationId is required");
        return await members.IsMemberAsync(conversationId, userId, ct) ? null : Failure.ConversationNotFound;
    }

    /// <summary>A member in a timeout (set by a moderator) types no more than they post.</summary>
    private async Task<long?> TimedOutUntilAsync(string conversationId, string userId, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        var until = await Dapper.SqlMapper.ExecuteScalarAsync<long?>(connection,
            "SELECT timeout_until FROM members WHERE conversation_id = @conversationId AND user_id = @userId", new { conversationId, userId });
        return until > Clock.NowMs() ? until : null;
    }

    private async Task<TypingPayload> PublishAsync((string ConversationId, string UserId) key, bool isTyping, CancellationToken ct)
    {
        var payload = new TypingPayload(key.ConversationId, key.UserId, isTyping);
        var data = JsonSerializer.SerializeToUtf8Bytes(payload, JsonSetup.Default);
        await bus.PublishAsync([new ChatEvent(0, PresenceEventTypes.Typing, key.ConversationId, key.UserId, Clock.NowMs(), data)
        {
            ExceptUserId = key.UserId,
            Lifetime = isTyping ? options.Value.TypingTimeout : null,
        }], ct);
        return payload;
    }

    private async Task PublishSafelyAsync((string, string) key)
    {
        try { await PublishAsync(key, false, CancellationToken.None); }
        catch (Exception e) { LogStopFailed(logger, e); }
    }

    [LoggerMessage(LogLevel.Error, "Publishing a typing stop failed")]
    private static partial void LogStopFailed(ILogger logger, Exception error);
}
