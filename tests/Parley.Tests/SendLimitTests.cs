using Parley.Tests.Support;

namespace Parley.Tests;

/// <summary>A server with the send limit on: a burst of 3, then one message per 20 s (slow enough that a slow test machine does not refill it).</summary>
public sealed class LimitedApp : ParleyApp
{
    protected override IEnumerable<KeyValuePair<string, string>> Settings =>
        [new("Limits:MessagesPerUserPerSecond", "0.05"), new("Limits:MessagesBurst", "3")];
}

/// <summary>The per-user send limit: one bucket across REST and the socket, answered alike (429, retryAfter).</summary>
public sealed class SendLimitTests(LimitedApp app) : IClassFixture<LimitedApp>
{
    [Fact]
    public async Task The_burst_is_shared_by_REST_and_the_socket_and_both_answer_429_with_retry_after()
    {
        var (hal, ida) = (await app.UserAsync("hal"), await app.UserAsync("ida"));
        var group = await hal.GroupAsync(ida);
        await using var socket = await hal.OnlineAsync();

        await hal.SendAsync(group, "one");
        Assert.True((await socket.RequestAsync("message:send", new { conversationId = group, content = "two" })).GetProperty("ok").GetBoolean());
        await hal.SendAsync(group, "three");

        var rest = await hal.PostAsync($"/api/conversations/{group}/messages", new { content = "four" });
        rest.ExpectError(429, "rate_limited");
        var header = Assert.Single(rest.Raw.Headers.GetValues("Retry-After"));
        Assert.InRange(int.Parse(header), 1, 20);
        Assert.Equal(int.Parse(header), rest.Error.GetProperty("details").GetProperty("retryAfter").GetInt32());

        var ack = await socket.RequestAsync("message:send", new { conversationId = group, content = "four" });
        Assert.False(ack.GetProperty("ok").GetBoolean());
        var error = ack.GetProperty("error");
        Assert.Equal(429, error.GetProperty("status").GetInt32());
        Assert.Equal("rate_limited", error.Str("code"));
        Assert.InRange(error.GetProperty("details").GetProperty("retryAfter").GetInt32(), 1, 20);

        // Someone else's bucket is their own.
        await ida.SendAsync(group, "mine");
        Assert.Equal(["one", "two", "three", "mine"], (await ida.HistoryAsync(group)).Select(m => m.Str("content")));
    }
}
