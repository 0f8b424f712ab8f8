using Parley.Tests.Support;

namespace Parley.Tests;

/// <summary>Moderation in a conversation: slow mode, bans and timeouts, each with its event, system message and one audit entry.</summary>
public sealed class ModerationTests(AdminApp app) : IClassFixture<AdminApp>
{
    [Fact]
    public async Task Slow_mode_lets_a_member_post_once_per_interval_and_answers_REST_and_socket_alike()
    {
        var (owner, ann) = (await app.UserAsync("owner"), await app.UserAsync("ann"));
        var group = await owner.GroupAsync(ann);
        (await ann.PutAsync($"/api/conversations/{group}", new { slowModeSeconds = 60 })).ExpectError(403);
        (await owner.PutAsync($"/api/conversations/{group}", new { slowModeSeconds = -1 })).ExpectError(400);
        Assert.Equal(60, (await owner.PutAsync($"/api/conversations/{group}", new { slowModeSeconds = 60 })).Expect(200).GetProperty("slowModeSeconds").GetInt32());
        await using var socket = await ann.OnlineAsync();

        await ann.SendAsync(group, "first");
        var rest = await ann.PostAsync($"/api/conversations/{group}/messages", new { content = "second" });
        rest.ExpectError(429, "slow_mode");
        Assert.InRange(int.Parse(Assert.Single(rest.Raw.Headers.GetValues("Retry-After"))), 55, 60);
        var ack = await socket.RequestAsync("message:send", new { conversationId = group, content = "second" });
        Assert.False(ack.GetProperty("ok").GetBoolean());
        Assert.Equal("slow_mode", ack.GetProperty("error").Str("code"));
        Assert.Equal(429, ack.GetProperty("error").GetProperty("status").GetInt32());
        Assert.InRange(ack.GetProperty("error").GetProperty("details").GetProperty("retryAfter").GetInt32(), 55, 60);
        // The owner is exempt.
        await owner.SendAsync(group, "owners may");
        await owner.SendAsync(group, "owners may again");

        var history = await ann.HistoryAsync(group);
        Assert.Contains(history, m => m.Str("type") == "system" && m.Str("content").Contains("slow mode (60 s)"));
        var audit = (await app.Admin.GetAsync("/api/admin/audit?limit=100")).Expect(200).EnumerateArray();
        var entry = Assert.Single(audit, e => e.Str("targetId") == group && e.Str("action") == "conversation.slow_mode");
        Assert.Equal("60", entry.Str("reason"));
    }

    [Fact]
    public async Task A_ban_removes_the_member_keeps_them_out_until_lifted_and_is_listed()
    {
        var (owner, ben, cat) = (await app.UserAsync("owner"), await app.UserAsync("ben"), await app.UserAsync("cat"));
        var group = await owner.GroupAsync(ben, cat);
        await using var catSocket = await cat.OnlineAsync();
        (await ben.PutAsync($"/api/conversations/{group}/bans/{cat.Id}", new { })).ExpectError(403);

        (await owner.PutAsync($"/api/conversations/{group}/bans/{ben.Id}", new { reason = "trolling" })).Expect(200);
        var banned = await catSocket.EventAsync("member:banned", group);
        Assert.Equal(ben.Id, banned.Data().Str("userId"));
        await catSocket.EventAsync("member:removed", group);
        (await ben.GetAsync($"/api/conversations/{group}")).ExpectError(404);
        (await owner.PostAsync($"/api/conversations/{group}/members", new { members = new[] { ben.Id } })).ExpectError(403);
        var bans = (await owner.GetAsync($"/api/conversations/{group}/bans")).Expect(200);
        Assert.Equal("trolling", Assert.Single(bans.EnumerateArray()).Str("reason"));
        Assert.Contains(await cat.HistoryAsync(group), m => m.Str("type") == "system" && m.Str("content").Contains("banned"));

        (await owner.DeleteAsync($"/api/conversations/{group}/bans/{ben.Id}")).Expect(200);
        (await owner.DeleteAsync($"/api/conversations/{group}/bans/{ben.Id}")).Expect(200);
        await catSocket.EventAsync("member:unbanned", group);
        (await owner.PostAsync($"/api/conversations/{group}/members", new { members = new[] { ben.Id } })).Expect(200);
        Assert.Empty((await owner.GetAsync($"/api/conversations/{group}/bans")).Expect(200).EnumerateArray());

        var audit = (await app.Admin.GetAsync("/api/admin/audit?limit=100")).Expect(200).EnumerateArray().Where(e => e.Str("conversationId") == group).ToList();
        Assert.Equal(["member.unbanned", "member.banned"], audit.Select(e => e.Str("action")));
    }

    [Fact]
    public async Task A_timed_out_member_reads_but_cannot_post_until_it_ends()
    {
        var (owner, dan) = (await app.UserAsync("owner"), await app.UserAsync("dan"));
        var group = await owner.GroupAsync(dan);
        await using var danSocket = await dan.OnlineAsync();
        (await owner.PutAsync($"/api/conversations/{group}/members/{dan.Id}/timeout", new { until = DateTimeOffset.UtcNow.AddHours(1) })).Expect(200);
        Assert.Equal(dan.Id, (await danSocket.EventAsync("member:timeout", group)).Data().Str("userId"));

        (await dan.PostAsync($"/api/conversations/{group}/messages", new { content = "let me talk" })).ExpectError(403, "timed_out");
        var ack = await danSocket.RequestAsync("message:send", new { conversationId = group, content = "let me talk" });
        Assert.Equal("timed_out", ack.GetProperty("error").Str("code"));
        var ownMessage = await owner.SendAsync(group, "you can still read");
        (await dan.PutAsync($"/api/conversations/{group}/messages/{ownMessage.Str("id")}/reactions/%F0%9F%91%8D")).ExpectError(403, "timed_out");
        Assert.Contains(await dan.HistoryAsync(group), m => m.Str("content") == "you can still read");
        // Nor type: an error ack on the gateway and on Socket.IO.
        Assert.Equal("timed_out", (await danSocket.RequestAsync("typing:start", new { conversationId = group })).GetProperty("error").Str("code"));
        await using (var io = await SocketIoClient.ConnectAsync(app.BaseAddress, new { auth = new { token = dan.Token }, transports = new[] { "websocket" } }))
        {
            await io.EventAsync("ready");
            var typing = await io.EmitAsync("typing:start", new { conversationId = group });
            Assert.False(typing.GetProperty("ok").GetBoolean());
            Assert.Equal("timed_out", typing.GetProperty("error").Str("code"));
        }

        (await owner.PutAsync($"/api/conversations/{group}/members/{dan.Id}/timeout", new { until = (DateTimeOffset?)null })).Expect(200);
        await dan.SendAsync(group, "back");
        Assert.True((await danSocket.RequestAsync("typing:start", new { conversationId = group })).GetProperty("ok").GetBoolean());
        (await owner.PutAsync($"/api/conversations/{group}/members/{dan.Id}/timeout", new { until = DateTimeOffset.UtcNow.AddDays(60) })).ExpectError(400);
        var audit = (await app.Admin.GetAsync("/api/admin/audit?limit=100")).Expect(200).EnumerateArray().Where(e => e.Str("conversationId") == group);
        Assert.Equal(2, audit.Count(e => e.Str("action") == "member.timed_out"));
    }
}
