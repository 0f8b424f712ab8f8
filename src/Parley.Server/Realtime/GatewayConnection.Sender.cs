using System.Net.WebSockets;

namespace Parley.Server.Realtime;

/// <summary>
/// The sending half: queued frames are sent by a thread-pool work item started when the first frame arrives in an
/// empty queue and ending when the queue is empty again, so a socket with nothing to send holds no send loop.
/// The queue is the next frame in a field plus, only while more are waiting, a Queue for the rest (let go when empty).
/// Once closing, the sender ends by sending the close frame.
/// </summary>
public sealed partial class GatewayConnection
{
    private OutFrame _next;
    private int _queued;
    private Queue<OutFrame>? _rest;

    private bool TryQueueLocked(OutFrame frame)
    {
        if (_queued >= _options.SendQueueSize) return false;
        if (_queued++ == 0) _next = frame;
        else (_rest ??= new Queue<OutFrame>()).Enqueue(frame);
        StartSenderLocked();
        return true;
    }

    private bool TryTakeLocked(out OutFrame frame)
    {
        frame = _next;
        if (_queued == 0) return false;
        _next = --_queued > 0 ? _rest!.Dequeue() : default;
        return true;
    }

    private void ForgetQueuedLocked() => (_next, _queued, _rest) = (default, 0, null);

    private void StartSenderLocked()
    {
        if (_sending) return;
        _sending = true;
        ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
    }

    void IThreadPoolWorkItem.Execute() => _ = SendQueuedAsync();

    private async Task SendQueuedAsync()
    {
        try
        {
            CloseIntent intent;
            while (true)
            {
                OutFrame frame;
                lock (_gate)
                {
                    Signal();
                    if (_close is { Drain: false } || !TryTakeLocked(out frame))
                    {
                        if (_close is { } closing)
                        {
                            intent = closing;
                            break;
                        }
                        ForgetQueuedLocked();
                        _sending = false;
                        return;
                    }
                }
                await _socket.SendAsync(frame.Bytes, WebSocketMessageType.Text, true, CancellationToken.None);
            }
            if (_socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
                await _socket.CloseOutputAsync(intent.Status, intent.Reason, CancellationToken.None);
            // The peer has the close timeout from now on to answer with its own close frame.
            lock (_gate) _abortTimer?.Change(_options.CloseTimeout, Timeout.InfiniteTimeSpan);
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or ObjectDisposedException or IOException)
        {
            Abort();
        }
        lock (_gate)
        {
            _close ??= new CloseIntent(WebSocketCloseStatus.NormalClosure, "", false);
            ForgetQueuedLocked();
            _sending = false;
            Signal();
        }
    }

    /// <summary>Completes when the sender makes progress (a frame taken, or done); callers re-check their condition.</summary>
    private Task ProgressLocked() => (_progress ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

    private void Signal()
    {
        _progress?.TrySetResult();
        _progress = null;
    }
}
