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
/// </summary>
public static class FanoutScenario
{
    private static readonly byte[] Marker = Encoding.UTF8.GetBytes("\"content\":\"t:");
    private static readonly byte[] NewMessage = Encoding.UTF8.GetBytes("\"type\":\"message:new\"");

    public static async Task RunAsync(IReadOnlyList<Uri> nodes, int receivers, int senders, int seconds, int[] rates, Report report,
        Func<(long, long)>? memory, Func<(long Nodes, long Services)>? cpuMs)
    {
        var users = await Setup.UsersAsync(nodes[0], receivers + senders, "fan");
        var conversation = (await users[0].CreateGroupAsync("fan-out", users.Skip(1).Select(u => u.UserId!))).GetProperty("id").GetString()!;
        var senderSockets = new List<GatewayClient>();
        var receiverSockets = new List<GatewayClient>();
        var latencies = new Samples();
        long delivered = 0;
        foreach (var (user, i) in users.Take(senders).Select((u, i) => (u, i)))
            senderSockets.Add(await GatewayClient.ConnectAsync(nodes[i % nodes.Count], user.Token!));
        foreach (var (user, i) in users.Skip(senders).Select((u, i) => (u, i)))
        {
            var socket = await GatewayClient.ConnectAsync(nodes[i % nodes.Count], user.Token!);
            socket.OnFrame = frame =>
            {
                var span = frame.Span;
                if (span.IndexOf(NewMessage) < 0) return;
                var at = span.IndexOf(Marker);
                if (at < 0 || !Utf8Parser.TryParse(span[(at + Marker.Length)..], out long sentAt, out _)) return;
                latencies.Add(Stopwatch.GetElapsedTime(sentAt).TotalMilliseconds);
                Interlocked.Increment(ref delivered);
            };
            receiverSockets.Add(socket);
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
                    ["rate"] = rate, ["sent"] = total - failed, ["failed"] = failed, ["delivered"] = delivered, ["expected"] = expected,
                    ["deliveriesPerSec"] = delivered / elapsed, ["p50Ms"] = s.P50Ms, ["p99Ms"] = s.P99Ms, ["maxMs"] = s.MaxMs,
                    ["ackP99Ms"] = a.P99Ms, ["serverPeakRssMiB"] = peak / 1024.0,
                    ["cpuMsPerMsg"] = cpuMs is null ? null : (cpu.Nodes + cpu.Services - cpuBefore.Nodes - cpuBefore.Services) / (double)total,
                    ["dbCpuMsPerMsg"] = cpuMs is null ? null : (cpu.Services - cpuBefore.Services) / (double)total,
                });
                if (delivered < expected * 0.9 || s.P99Ms > 2_000) { Console.WriteLine($"saturated at {rate} msg/s"); break; }
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
