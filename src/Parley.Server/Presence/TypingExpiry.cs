using System.Text.Json;
using Parley.Server.Api;
using Parley.Server.Data;
using Parley.Server.Events;

namespace Parley.Server.Presence;

/// <summary>
/// Ends typing that nobody ends, on every node: a typing start carries its lifetime, and each node that delivers
/// one delivers the stop to its own sockets when no refresh or stop follows in time. So typing ends after
/// <see cref="TypingOptions.TypingTimeout"/> everywhere, also when the node that started it was killed and
/// sends nothing more. Fan-out shows this every typing event before it delivers it; the stop this sends goes
/// to this node's sockets only.
/// </summary>
public sealed partial class TypingExpiry(TimeProvider time, ILogger<TypingExpiry> logger) : IEphemeralExpiry, IDisposable
{
    public string EventType => PresenceEventTypes.Typing;

    private readonly Dictionary<(string ConversationId, string UserId), ITimer> _timers = [];
    // Held while a stop is delivered, so a start arriving meanwhile is delivered after that stop, not before it.
    private readonly SemaphoreSlim _gate = new(1, 1);

    public async ValueTask ObserveAsync(ChatEvent e, Func<ChatEvent, ValueTask> deliverHere)
    {
        if (e.ConversationId is null || Read(e) is not { } typing) return;
        var key = (e.ConversationId, typing.UserId);
        await _gate.WaitAsync();
        try
        {
            if (_timers.Remove(key, out var previous)) previous.Dispose();
            if (!typing.IsTyping || e.Lifetime is not { } lifetime) return;
            ITimer? timer = null;
            timer = time.CreateTimer(_ => _ = ExpireAsync(key, timer!, deliverHere), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            _timers[key] = timer;
            timer.Change(lifetime, Timeout.InfiniteTimeSpan);
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task ExpireAsync((string ConversationId, string UserId) key, ITimer timer, Func<ChatEvent, ValueTask> deliverHere)
    {
        await _gate.WaitAsync();
        try
        {
            // A refresh or a stop came first: it replaced or removed this timer.
            if (!_timers.TryGetValue(key, out var current) || !ReferenceEquals(current, timer)) return;
            _timers.Remove(key);
            timer.Dispose();
            var data = JsonSerializer.SerializeToUtf8Bytes(new TypingPayload(key.ConversationId, key.UserId, false), JsonSetup.Default);
            await deliverHere(new ChatEvent(0, PresenceEventTypes.Typing, key.ConversationId, key.UserId, Clock.NowMs(), data) { ExceptUserId = key.UserId });
        }
        catch (Exception e)
        {
            LogFailed(logger, e);
        }
        finally
        {
            _gate.Release();
        }
    }

    private static TypingPayload? Read(ChatEvent e)
    {
        try
        {
            return JsonSerializer.Deserialize<TypingPayload>(e.Data.Span, JsonSetup.Default) is { UserId: not null } typing ? typing : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public void Dispose()
    {
        foreach (var timer in _timers.Values.ToList()) timer.Dispose();
    }

    [LoggerMessage(LogLevel.Error, "Ending an expired typing indicator failed")]
    private static partial void LogFailed(ILogger logger, Exception error);
}
