using System.Diagnostics;
using System.Text.Json;
using Parley.Client;

namespace Parley.Bench;

/// <summary>
/// Issue #3's benchmark: N messages into one conversation over HTTP from S concurrent senders (msgs/s, p50/p99),
/// then page that conversation at depths 0, N/2 and N-1000 (p99 per depth), by page number and by cursor.
/// </summary>
public static class MessagesScenario
{
    public static async Task RunAsync(Uri url, int messages, int senders, int warmupMessages, Report report, Func<(long, long)>? memory, Func<TimeSpan>? serverCpu)
    {
        var clients = new List<ParleyClient>();
        var run = Guid.NewGuid().ToString("N")[..6];
        for (var i = 0; i < senders; i++)
        {
            var client = new ParleyClient(NewHttp(url, 4));
            await client.RegisterAsync($"bench{i}_{run}", "bench-password");
            clients.Add(client);
        }
        var others = clients.Skip(1).Select(c => c.UserId!).ToList();
        var warmup = (await clients[0].CreateGroupAsync("warm-up", others)).GetProperty("id").GetString()!;
        var conversation = (await clients[0].CreateGroupAsync("bench", others)).GetProperty("id").GetString()!;

        // Warm-up in its own conversation, long enough for tiered compilation to finish on 2 busy cores:
        // the JIT's one-off work is start-up cost, not what a message costs.
        await SendAsync(clients, warmup, Math.Min(warmupMessages, messages), new Samples());
        var latencies = new Samples();
        var (serverCpuBefore, clientCpuBefore) = (serverCpu?.Invoke() ?? TimeSpan.Zero, Process.GetCurrentProcess().TotalProcessorTime);
        var clock = Stopwatch.StartNew();
        await SendAsync(clients, conversation, messages, latencies);
        clock.Stop();
        // CPU per message tells where the two cores go (and stays comparable when the machine is not quiet).
        var serverUs = ((serverCpu?.Invoke() ?? TimeSpan.Zero) - serverCpuBefore).TotalMicroseconds / messages;
        var clientUs = (Process.GetCurrentProcess().TotalProcessorTime - clientCpuBefore).TotalMicroseconds / messages;

        var persisted = (await clients[0].GetMessagesPageAsync(conversation, 1, 1)).GetProperty("pagination").GetProperty("totalMessages").GetInt64();
        var send = latencies.Summarize();
        var rate = messages / clock.Elapsed.TotalSeconds;
        var (rss, peak) = memory?.Invoke() ?? (0, 0);
        report.Row(new()
        {
            ["step"] = "send", ["messages"] = messages, ["senders"] = senders, ["persisted"] = persisted, ["seconds"] = clock.Elapsed.TotalSeconds,
            ["msgsPerSec"] = rate, ["p50Ms"] = send.P50Ms, ["p99Ms"] = send.P99Ms, ["maxMs"] = send.MaxMs,
            ["serverCpuUsPerMsg"] = serverUs, ["clientCpuUsPerMsg"] = clientUs, ["serverPeakRssMiB"] = peak / 1024.0,
        });
        if (persisted != messages) throw new InvalidOperationException($"persisted {persisted} of {messages}");

        foreach (var depth in new[] { 0, messages / 2, Math.Max(0, messages - 1_000) })
        {
            const int limit = 50, requests = 500;
            var byPage = new Samples();
            var byCursor = new Samples();
            var page = depth / limit + 1;
            var beforeSeq = messages - depth + 1;
            for (var i = 0; i < requests; i++)
            {
                var t = Stopwatch.GetTimestamp();
                var data = await clients[i % senders].GetMessagesPageAsync(conversation, page, limit);
                byPage.Add(Stopwatch.GetElapsedTime(t).TotalMilliseconds);
                if (i == 0) Expect(data.GetProperty("messages"), limit, messages - depth - limit + 1);
                t = Stopwatch.GetTimestamp();
                var after = await clients[i % senders].GetMessagesBeforeAsync(conversation, beforeSeq, limit);
                byCursor.Add(Stopwatch.GetElapsedTime(t).TotalMilliseconds);
                if (i == 0) Expect(after.GetProperty("messages"), limit, messages - depth - limit + 1);
            }
            foreach (var (mode, samples) in new[] { ("page", byPage), ("before", byCursor) })
            {
                var s = samples.Summarize();
                report.Row(new() { ["step"] = $"read-{mode}", ["depth"] = depth, ["requests"] = requests, ["p50Ms"] = s.P50Ms, ["p99Ms"] = s.P99Ms, ["maxMs"] = s.MaxMs });
            }
        }
    }

    private static async Task SendAsync(List<ParleyClient> clients, string conversation, int messages, Samples latencies)
    {
        var next = -1;
        await Task.WhenAll(clients.Select(async (client, s) =>
        {
            var local = new List<double>(messages / clients.Count + 1);
            while (Interlocked.Increment(ref next) is var i && i < messages)
            {
                var t = Stopwatch.GetTimestamp();
                await client.SendMessageFastAsync(conversation, $"message {i} from sender {s}");
                local.Add(Stopwatch.GetElapsedTime(t).TotalMilliseconds);
            }
            latencies.AddRange(local);
        }));
    }

    /// <summary>A page must hold exactly the expected seqs, ascending, or the timing means nothing.</summary>
    private static void Expect(JsonElement page, int limit, long firstSeq)
    {
        var seqs = page.EnumerateArray().Select(m => m.GetProperty("seq").GetInt64()).ToList();
        var expected = Enumerable.Range(0, limit).Select(k => firstSeq + k).Where(s => s >= 1).ToList();
        if (!seqs.SequenceEqual(expected))
            throw new InvalidOperationException($"page starting at seq {firstSeq} returned {string.Join(",", seqs.Take(5))}…");
    }

    public static HttpClient NewHttp(Uri url, int connections) =>
        new(new SocketsHttpHandler { MaxConnectionsPerServer = connections, PooledConnectionLifetime = Timeout.InfiniteTimeSpan })
        {
            BaseAddress = url,
            Timeout = TimeSpan.FromSeconds(30),
        };
}
