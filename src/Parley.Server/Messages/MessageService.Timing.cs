using Parley.Server.Api;
using Parley.Server.Monitoring;

namespace Parley.Server.Messages;

public sealed partial class MessageService
{
    /// <summary>Sends a message (REST, gateway and Socket.IO all come here), timed for <c>parley_message_send_duration_seconds</c>.</summary>
    public async Task<Outcome<SendResult>> SendAsync(string callerId, SendMessageRequest request, CancellationToken ct)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        try
        {
            return await SendUntimedAsync(callerId, request, ct);
        }
        finally
        {
            metrics.SendDuration.Observe(ServerMetrics.SecondsSince(started));
        }
    }
}
