using System.Net;
using Parley.Client;

namespace Parley.Bench;

/// <summary>Issue #4's idle benchmark: many authenticated idle sockets, spread over several 127.0.0.x source addresses.</summary>
public static class IdleScenario
{
    public static async Task RunAsync(Uri url, int sockets, int users, int sourceAddresses, Report report, Func<(long Rss, long Peak)> memory)
    {
        var clients = await Setup.UsersAsync(url, users, "idle");
        await Task.Delay(2_000);
        var before = memory().Rss;
        var open = new List<GatewayClient>(sockets);
        var refused = 0;
        using var gate = new SemaphoreSlim(64);
        var tasks = Enumerable.Range(0, sockets).Select(async i =>
        {
            await gate.WaitAsync();
            try
            {
                var source = IPAddress.Parse($"127.0.0.{1 + i % sourceAddresses}");
                var socket = await GatewayClient.ConnectAsync(url, clients[i % users].Token!, source);
                lock (open) open.Add(socket);
            }
            catch (System.Net.WebSockets.WebSocketException)
            {
                Interlocked.Increment(ref refused); // past the server's connection limit
            }
            finally { gate.Release(); }
        });
        await Task.WhenAll(tasks);
        await Task.Delay(5_000);
        var after = memory().Rss;
        var alive = open.Count(s => s.State == System.Net.WebSockets.WebSocketState.Open);
        using var probe = new HttpClient { BaseAddress = url };
        var healthy = (await probe.GetAsync("/healthz")).IsSuccessStatusCode;
        report.Row(new()
        {
            ["sockets"] = sockets, ["open"] = alive, ["refused"] = refused, ["healthyAfter"] = healthy, ["users"] = users, ["sourceAddresses"] = sourceAddresses,
            ["rssBeforeMiB"] = before / 1024.0, ["rssAfterMiB"] = after / 1024.0, ["kibPerSocket"] = (after - before) / (double)Math.Max(1, alive),
        });
        foreach (var socket in open) await socket.DisposeAsync();
    }
}
