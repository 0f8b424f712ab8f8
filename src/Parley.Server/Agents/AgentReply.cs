using System.ClientModel;
using System.Runtime.ExceptionServices;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using Parley.Server.Api;
using Parley.Server.Data;
using Parley.Server.Events;
using Parley.Server.Messages;
using Parley.Server.Presence;

namespace Parley.Server.Agents;

/// <summary>
/// One streaming answer: the agent's message already exists (empty, status streaming); tokens from the provider are
/// batched into message:delta events at most once per Agent:DeltaInterval, and the answer always ends with a final
/// text and status (complete, stopped, timeout, error, interrupted) and a typing stop, whatever happened.
/// </summary>
public sealed partial class AgentReply(MessageDto message, ReplyJob job, AgentOptions options, AgentStore store, AgentProvider provider,
    IEventBus bus, ILogger logger, CancellationToken shutdown) : IDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly CancellationTokenSource _deadline = new(options.Timeout);
    private readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly StringBuilder _text = new();
    private int _flushed;
    private string? _stopReason;

    public Task Done => _done.Task;

    /// <summary>Ends the answer early: <see cref="ReplyStatus.Stopped"/> or <see cref="ReplyStatus.Deleted"/>.</summary>
    public void Cancel(string reason)
    {
        Interlocked.CompareExchange(ref _stopReason, reason, null);
        try { _stop.Cancel(); } catch (ObjectDisposedException) { }
    }

    public async Task RunAsync(AgentContext context)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token, _deadline.Token, shutdown);
        var (status, error, note) = (ReplyStatus.Complete, (AgentError?)null, (string?)null);
        int? reportedTokens = null;
        await TypingAsync(true);
        try
        {
            reportedTokens = await StreamAsync(context, linked.Token);
            if (_text.Length == 0) note = AgentTexts.Empty;
        }
        catch (OperationCanceledException)
        {
            // A stop or a deletion named its reason; otherwise the server is shutting down, or the deadline (or a stalled read) passed.
            status = _stopReason ?? (shutdown.IsCancellationRequested ? ReplyStatus.Interrupted : ReplyStatus.Timeout);
            note = status switch
            {
                ReplyStatus.Stopped => AgentTexts.Stopped,
                ReplyStatus.Interrupted => AgentTexts.Interrupted,
                ReplyStatus.Timeout => AgentTexts.Timeout(options.Timeout),
                _ => null,
            };
            if (status == ReplyStatus.Timeout) error = new AgentError("timeout");
        }
        catch (ClientResultException e) when (e.Status > 0)
        {
            (status, error, note) = (ReplyStatus.Error, new AgentError("provider_error", e.Status), AgentTexts.ProviderError(e.Status));
            LogProviderError(logger, e.Status, message.ConversationId, e.Message);
        }
        catch (Exception e) when (e is ClientResultException or HttpRequestException or IOException)
        {
            // No HTTP status: the provider could not be reached, or the stream broke off after some text.
            (status, error, note) = _text.Length == 0
                ? (ReplyStatus.Error, new AgentError("provider_unreachable"), AgentTexts.Unreachable)
                : (ReplyStatus.Error, new AgentError("provider_connection"), AgentTexts.ConnectionLost);
            LogUnreachable(logger, message.ConversationId, e.Message);
        }
        catch (Exception e)
        {
            (status, error, note) = (ReplyStatus.Error, new AgentError("internal_error"), AgentTexts.Failed);
            LogFailed(logger, e, message.ConversationId);
        }
        finally
        {
            // Without the provider's count, estimate 4 characters a token; a refused request with no text cost nothing.
            var estimate = status == ReplyStatus.Error && _text.Length == 0 ? 0 : (context.Characters + _text.Length + 3) / 4;
            await FinishAsync(status, error, note, reportedTokens ?? estimate);
        }
    }

    private async Task<int?> StreamAsync(AgentContext context, CancellationToken ct)
    {
        var pieces = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        int? tokens = null;
        ExceptionDispatchInfo? failure = null;
        var pump = Task.Run(async () =>
        {
            try
            {
                await foreach (var piece in provider.StreamAsync(context.Messages, ct))
                {
                    if (piece.TotalTokens is { } total) tokens = total;
                    if (piece.Text.Length > 0) pieces.Writer.TryWrite(piece.Text);
                }
            }
            catch (Exception e) { failure = ExceptionDispatchInfo.Capture(e); }
            finally { pieces.Writer.TryComplete(); }
        }, CancellationToken.None);

        // Whatever arrived since the last batch goes out as one delta; then wait an interval before the next.
        while (await pieces.Reader.WaitToReadAsync(CancellationToken.None))
        {
            while (pieces.Reader.TryRead(out var text)) _text.Append(text);
            if (!await FlushAsync())
            {
                Cancel(ReplyStatus.Deleted);
                break;
            }
            try { await Task.Delay(options.DeltaInterval, ct); }
            catch (OperationCanceledException) { break; }
        }
        await pump;
        failure?.Throw();
        ct.ThrowIfCancellationRequested();
        return tokens;
    }

    /// <summary>Appends the text not yet sent as one message:delta; false when the message was deleted.</summary>
    private async Task<bool> FlushAsync()
    {
        if (_text.Length == _flushed) return true;
        var offset = _flushed;
        _flushed = _text.Length;
        return await store.AppendDeltaAsync(message, _text.ToString(), offset, _text.ToString(offset, _flushed - offset), CancellationToken.None);
    }

    private async Task FinishAsync(string status, AgentError? error, string? note, long tokens)
    {
        try
        {
            var text = note is null ? _text.ToString() : AgentTexts.WithNote(_text.ToString(), note);
            await store.FinishAsync(message.Id, text, new AgentPayload(status, job.RequesterId, error), tokens, CancellationToken.None);
        }
        catch (Exception e)
        {
            LogFailed(logger, e, message.ConversationId);
        }
        finally
        {
            await TypingAsync(false);
            _done.TrySetResult();
        }
    }

    /// <summary>Typing is ephemeral, like a person's (see <see cref="TypingTracker"/>): published on the bus with cursor 0, never stored.</summary>
    private async Task TypingAsync(bool isTyping)
    {
        try
        {
            var data = JsonSerializer.SerializeToUtf8Bytes(new TypingPayload(message.ConversationId, message.SenderId, isTyping), JsonSetup.Default);
            await bus.PublishAsync([new ChatEvent(0, PresenceEventTypes.Typing, message.ConversationId, null, Clock.NowMs(), data) { ExceptUserId = message.SenderId }],
                CancellationToken.None);
        }
        catch (Exception e)
        {
            LogFailed(logger, e, message.ConversationId);
        }
    }

    public void Dispose()
    {
        _stop.Dispose();
        _deadline.Dispose();
    }

    [LoggerMessage(LogLevel.Warning, "The AI provider answered {Status} for conversation {ConversationId}: {Error}")]
    private static partial void LogProviderError(ILogger logger, int status, string conversationId, string error);

    [LoggerMessage(LogLevel.Warning, "The AI provider could not be reached, or the connection broke, for conversation {ConversationId}: {Error}")]
    private static partial void LogUnreachable(ILogger logger, string conversationId, string error);

    [LoggerMessage(LogLevel.Error, "An agent reply failed in conversation {ConversationId}")]
    private static partial void LogFailed(ILogger logger, Exception error, string conversationId);
}
