using System.Collections.Concurrent;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.Extensions.Options;
using Parley.Server.Api;
using Parley.Server.Conversations;
using Parley.Server.Data;
using Parley.Server.Events;
using Parley.Server.Messages;
using Parley.Server.Users;

namespace Parley.Server.Agents;

/// <summary>
/// Answers for the agent. A person's message in an "ai" conversation, or one that @mentions the agent in a group it
/// belongs to, becomes a job on a bounded queue; Agent:MaxConcurrentReplies workers answer them. Stops and deletions
/// reach the running answer through the event bus, so they work from any node.
/// </summary>
public sealed partial class AgentResponder(AgentDirectory directory, AgentStore store, ConversationStore conversations, AgentProvider provider, AgentLimits limits,
    IEventBus bus, IOptions<AgentOptions> options, ILogger<AgentResponder> logger) : BackgroundService, IMessageSentListener
{
    private readonly Channel<ReplyJob> _queue = Channel.CreateBounded<ReplyJob>(
        new BoundedChannelOptions(options.Value.QueueCapacity) { FullMode = BoundedChannelFullMode.Wait });
    private readonly ConcurrentDictionary<string, AgentReply> _running = new();

    public void MessageSent(MessageDto message, string conversationType)
    {
        if (message.Type == MessageTypes.System || directory.IsAgent(message.SenderId) || string.IsNullOrWhiteSpace(message.Content)) return;
        var asked = conversationType == ConversationTypes.Ai
            || (conversationType == ConversationTypes.Group && Mentions.In(message.Content).Contains(AgentDirectory.AssistantUsername));
        if (!asked) return;
        var wait = limits.OverLimit(message.SenderId);
        if (wait == TimeSpan.Zero) return; // over the limit, and already told so this minute
        var job = new ReplyJob(message.ConversationId, conversationType, message.Id, message.Seq, message.SenderId, wait);
        if (!_queue.Writer.TryWrite(job)) _ = SayAsync(job, AgentTexts.Busy, ReplyStatus.Busy, CancellationToken.None);
    }

    /// <summary>
    /// Stops a streaming answer: the asker, or an owner/admin of the group, may. Asks the node running it (maybe this
    /// one) through the bus and waits a little for it to end here. True when it was still streaming.
    /// </summary>
    public async Task<Outcome<bool>> StopAsync(string callerId, string? conversationId, string messageId, CancellationToken ct)
    {
        if (await store.ReplyAsync(messageId, ct) is not { } reply || (conversationId ?? reply.ConversationId) != reply.ConversationId)
            return Failure.MessageNotFound;
        if (await conversations.GetForMemberAsync(reply.ConversationId, callerId, ct) is not { } found) return Failure.MessageNotFound;
        if (reply.UserId != callerId && !(ConversationTypes.HasRoles(found.Conversation.Type) && Roles.IsAdmin(found.Member.Role)))
            return Failure.Forbidden("Only the person who asked, or an owner or admin, can stop this answer");
        if (reply.Status != ReplyStatus.Streaming) return false;
        var agent = await directory.EnsureAssistantAsync(ct);
        var data = JsonSerializer.SerializeToUtf8Bytes(new { conversationId = reply.ConversationId, messageId }, JsonSetup.Default);
        // Addressed to the agent user, which has no sockets: only responders act on it.
        await bus.PublishAsync([new ChatEvent(0, AgentEvents.Stop, null, agent.Id, Clock.NowMs(), data)], ct);
        if (_running.TryGetValue(messageId, out var running)) await Task.WhenAny(running.Done, Task.Delay(TimeSpan.FromSeconds(5), ct));
        return true;
    }

    protected override Task ExecuteAsync(CancellationToken stopping)
    {
        bus.Subscribe(OnEventAsync);
        var workers = Enumerable.Range(0, options.Value.MaxConcurrentReplies).Select(_ => WorkAsync(stopping));
        return Task.WhenAll(workers.Append(SweepAsync(stopping)));
    }

    private async Task WorkAsync(CancellationToken stopping)
    {
        await Task.Yield();
        try
        {
            await foreach (var job in _queue.Reader.ReadAllAsync(stopping))
            {
                try { await AnswerAsync(job, stopping); }
                catch (Exception e) when (!stopping.IsCancellationRequested) { LogFailed(logger, e, job.ConversationId); }
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested) { }
    }

    private async Task AnswerAsync(ReplyJob job, CancellationToken stopping)
    {
        var agent = await directory.EnsureAssistantAsync(stopping);
        if (!await store.IsMemberAsync(job.ConversationId, agent.Id, stopping)) return;
        var o = options.Value;
        if (job.RetryAfter is { } wait)
        {
            await SayAsync(job, AgentTexts.RateLimited(o.RequestsPerUserPerMinute, wait), ReplyStatus.RateLimited, stopping);
            return;
        }
        if (!o.IsConfigured)
        {
            await SayAsync(job, AgentTexts.NotConfigured, ReplyStatus.NotConfigured, stopping);
            return;
        }
        if (await limits.BudgetExhaustedAsync(job.RequesterId, stopping))
        {
            await SayAsync(job, AgentTexts.BudgetExhausted(o.DailyTokenBudgetPerUser), ReplyStatus.BudgetExhausted, stopping);
            return;
        }
        var history = await store.HistoryAsync(job.ConversationId, job.TriggerSeq, o.MaxHistoryMessages, stopping);
        if (history.LastOrDefault()?.Seq != job.TriggerSeq) return; // the question was deleted before its turn came
        var context = AgentContext.Build(o, agent.Id, job.ConversationType == ConversationTypes.Group, history);

        if (await store.CreateAsync(job, agent, "", new AgentPayload(ReplyStatus.Streaming, job.RequesterId), stopping) is not { } message) return;
        using var reply = new AgentReply(message, job, o, store, provider, bus, logger, stopping);
        _running[message.Id] = reply;
        try { await reply.RunAsync(context); }
        finally { _running.TryRemove(message.Id, out _); }
    }

    /// <summary>A fixed, final answer (not configured, over a limit, busy): never a made-up one.</summary>
    private async Task SayAsync(ReplyJob job, string text, string status, CancellationToken ct)
    {
        try
        {
            var agent = await directory.EnsureAssistantAsync(ct);
            await store.CreateAsync(job, agent, text, new AgentPayload(status, job.RequesterId), ct);
        }
        catch (Exception e) when (!ct.IsCancellationRequested) { LogFailed(logger, e, job.ConversationId); }
    }

    private ValueTask OnEventAsync(ChatEvent e)
    {
        if (_running.IsEmpty || e.Type is not (MessageEventTypes.MessageDeleted or AgentEvents.Stop)) return ValueTask.CompletedTask;
        using var doc = JsonDocument.Parse(e.Data);
        if (doc.RootElement.TryGetProperty("messageId", out var id) && id.GetString() is { } messageId && _running.TryGetValue(messageId, out var reply))
            reply.Cancel(e.Type == AgentEvents.Stop ? ReplyStatus.Stopped : ReplyStatus.Deleted);
        return ValueTask.CompletedTask;
    }

    /// <summary>Answers left "streaming" by a node that died mid-answer are closed once they are past any deadline.</summary>
    private async Task SweepAsync(CancellationToken stopping)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMinutes(1));
        do
        {
            try
            {
                var cutoff = Clock.NowMs() - (long)(options.Value.Timeout + TimeSpan.FromMinutes(1)).TotalMilliseconds;
                foreach (var stale in await store.StreamingSinceBeforeAsync(cutoff, stopping))
                {
                    if (_running.ContainsKey(stale.MessageId)) continue;
                    var partial = await store.ContentAsync(stale.MessageId, stopping) ?? "";
                    await store.FinishAsync(stale.MessageId, AgentTexts.WithNote(partial, AgentTexts.Interrupted),
                        new AgentPayload(ReplyStatus.Interrupted, stale.UserId), 0, stopping);
                }
            }
            catch (Exception e) when (!stopping.IsCancellationRequested) { LogFailed(logger, e, "(sweep)"); }
        }
        while (await WaitAsync(timer, stopping));
    }

    private static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken stopping)
    {
        try { return await timer.WaitForNextTickAsync(stopping); }
        catch (OperationCanceledException) { return false; }
    }

    [LoggerMessage(LogLevel.Error, "The agent could not answer in conversation {ConversationId}")]
    private static partial void LogFailed(ILogger logger, Exception error, string conversationId);
}
