using System.Buffers.Text;
using System.Diagnostics;
using System.Text;
using Parley.Client;

namespace Parley.Bench;

/// <summary>
/// Issue #4's fan-out benchmark: one group, R receivers and S senders over the gateway; senders send at a fixed
/// total rate for a fixed time (open loop), every message persisted; end-to-end latency is measured from the
/// sender's timestamp carried in the message to its arrival at each receiver. With several nodes (issue #5) the
/// senders and the receivers are dealt round the nodes, so most deliveries cross from one node to another.
/// Each transport in turn (issue #12): receivers on the native gateway, then on Socket.IO's WebSocket transport;
/// the senders stay on the gateway, so the send path is the same and only delivery differs.
/// </summary>
public static class FanoutScenario
{
    private static readonly byte[] Marker = Encoding.UTF8.GetBytes("\"content\":\"t:");
    private static readonly byte[] NewMessage = Encoding.UTF8.GetBytes("\"type\":\"message:new\""),
        SocketIoNewMessage = Encoding.UTF8.GetBytes("42[\"message:new\"");

    public static async Task RunAsync(IReadOnlyList<Uri> nodes, int receivers, int senders, int seconds, int[] rates, string[] transports,
        Report report, Func<(long, long)>? memory, Func<(long Nodes, long Services)>? cpuMs)
    {
        foreach (var transport in transports)
            await RunAsync(nodes, receivers, senders, seconds, rates, transport, report, memory, cpuMs);
    }

    private static async Task RunAsync(IReadOnlyList<Uri> nodes, int receivers, int senders, int seconds, int[] rates, string transport,
        Report report, Func<(long, long)>? memory, Func<(long Nodes, long Services)>? cpuMs)
    {
        var users = await Setup.UsersAsync(nodes[0], receivers + senders, "fan");
        var conversation = (await users[0].CreateGroupAsync("fan-out", users.Skip(1).Select(u => u.UserId!))).GetProperty("id").GetString()!;
        var senderSockets = new List<GatewayClient>();
        var receiverSockets = new List<IAsyncDisposable>();
        var latencies = new Samples();
        long delivered = 0;
        foreach (var (user, i) in users.Take(senders).Select((u, i) => (u, i)))
            senderSockets.Add(await GatewayClient.ConnectAsync(nodes[i % nodes.Count], user.Token!));
        foreach (var (user, i) in users.Skip(senders).Select((u, i) => (u, i)))
        {
            var node = nodes[i % nodes.Count];
            if (transport == "socketio")
            {
                var receiver = await SocketIoReceiver.ConnectAsync(node, user.Token!);
                receiver.OnEvent = frame => Received(frame.Span, SocketIoNewMessage);
                receiverSockets.Add(receiver);
                continue;
            }
            var socket = await GatewayClient.ConnectAsync(node, user.Token!);
            socket.OnFrame = frame => Received(frame.Span, NewMessage);
            receiverSockets.Add(socket);
        }

        void Received(ReadOnlySpan<byte> span, byte[] newMessage)
        {
            if (span.IndexOf(newMessage) < 0) return;
            var at = span.IndexOf(Marker);
            if (at < 0 || !Utf8Parser.TryParse(span[(at + Marker.Length)..], out long sentAt, out _)) return;
            latencies.Add(Stopwatch.GetElapsedTime(sentAt).TotalMilliseconds);
            Interlocked.Increment(ref delivered);
        }

        try
        {
            foreach (var rate in rates)
            {
                latencies.Clear();
                Interlocked.Exchange(ref delivered, 0);
                var acks = new Samples();
                long failed = 0;
                var total = rate * seconds;
                var cpuBefore = cpuMs?.Invoke() ?? default;
                var clock = Stopwatch.StartNew();
                var inflight = new List<Task>(total);
                for (var k = 0; k < total; k++)
                {
                    var due = TimeSpan.FromSeconds((double)k / rate);
                    if (due > clock.Elapsed) await Task.Delay(due - clock.Elapsed);
                    var socket = senderSockets[k % senders];
                    inflight.Add(SendOneAsync(socket, conversation, acks, () => Interlocked.Increment(ref failed)));
                }
                await Task.WhenAll(inflight);
                var expected = (long)total * receivers;
                var deadline = Stopwatch.StartNew();
                while (Interlocked.Read(ref delivered) < expected && deadline.Elapsed < TimeSpan.FromSeconds(10)) await Task.Delay(50);
                var elapsed = clock.Elapsed.TotalSeconds;
                var s = latencies.Summarize();
                var a = acks.Summarize();
                var (_, peak) = memory?.Invoke() ?? (0, 0);
                var cpu = cpuMs?.Invoke() ?? default;
                report.Row(new()
                {
                    ["transport"] = transport, ["rate"] = rate, ["sent"] = total - failed, ["failed"] = failed, ["delivered"] = delivered, ["expected"] = expected,
                    ["deliveriesPerSec"] = delivered / elapsed, ["p50Ms"] = s.P50Ms, ["p99Ms"] = s.P99Ms, ["maxMs"] = s.MaxMs,
                    ["ackP99Ms"] = a.P99Ms, ["serverPeakRssMiB"] = peak / 1024.0,
                    ["cpuMsPerMsg"] = cpuMs is null ? null : (cpu.Nodes + cpu.Services - cpuBefore.Nodes - cpuBefore.Services) / (double)total,
                    ["dbCpuMsPerMsg"] = cpuMs is null ? null : (cpu.Services - cpuBefore.Services) / (double)total,
                });
                if (delivered < expected * 0.9 || s.P99Ms > 2_000) { Console.WriteLine($"{transport}: saturated at {rate} msg/s"); break; }
            }
        }
        finally
        {
            foreach (var socket in senderSockets.Concat(receiverSockets)) await socket.DisposeAsync();
        }
    }

    private static async Task SendOneAsync(GatewayClient socket, string conversationId, Samples acks, Action onFailure)
    {
        var started = Stopwatch.GetTimestamp();
        var ack = await socket.RequestAsync("message:send", new { conversationId, content = $"t:{started}" });
        if (ack.GetProperty("ok").GetBoolean()) acks.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        else onFailure();
    }
}
