using Parley.Tests.Support;

namespace Parley.Tests;

/// <summary>
/// Two nodes behind deploy/nginx.conf round-robin, no sticky sessions: the real socket.io-client on its default
/// transports (polling, then the upgrade) connects, sends, receives and reconnects with recovery, while its polls
/// and its WebSocket land on either node.
/// </summary>
public sealed class SocketIoMultiNodeTests(TwoNodes nodes) : IClassFixture<TwoNodes>
{
    [Fact]
    public async Task A_client_behind_nginx_works_wherever_its_requests_land()
    {
        await nodes.RunningAsync();
        await using var nginx = await Nginx.StartAsync(nodes.Both.Select(n => n.Port));
        var (alice, bob) = (await TwoNodes.UserAsync(nginx, "alice"), await TwoNodes.UserAsync(nginx, "bob"));
        var id = await alice.GroupAsync(bob);

        await using var bobSocket = await SocketIoClient.ConnectAsync(nginx.BaseAddress, new { auth = new { token = bob.Token } });
        await bobSocket.NextAsync("connect");
        Assert.Equal("websocket", (await bobSocket.NextAsync("upgrade")).Str("transport"));
        await using var aliceSocket = await SocketIoClient.ConnectAsync(nginx.BaseAddress, new { auth = new { token = alice.Token } });
        await aliceSocket.NextAsync("connect");

        for (var i = 0; i < 4; i++)
        {
            var ack = await aliceSocket.EmitAsync("message:send", new { conversationId = id, content = $"through nginx {i}" });
            Assert.True(ack.GetProperty("ok").GetBoolean(), ack + nodes.Logs);
            await bobSocket.EventAsync("message:new", a => a[0].GetProperty("message").Str("id") == ack.GetProperty("data").Str("id"));
        }

        await bobSocket.SendAsync(new { cmd = "disconnect" });
        await bobSocket.NextAsync("disconnect");
        var missed = await alice.SendAsync(id, "while bob was away");
        await bobSocket.SendAsync(new { cmd = "reconnect" });
        Assert.True((await bobSocket.NextAsync("connect")).GetProperty("recovered").GetBoolean(), nodes.Logs);
        await bobSocket.EventAsync("message:new", a => a[0].GetProperty("message").Str("id") == missed.Str("id"));

        var logged = await nginx.LoggedAsync();
        var polls = logged.Where(r => r.Request.StartsWith("GET /socket.io/") || r.Request.StartsWith("POST /socket.io/")).ToList();
        Assert.All(polls, r => Assert.True(r.Status is 200 or 101, r.ToString()));
        Assert.Equal(nodes.Both.Select(n => $"127.0.0.1:{n.Port}").ToHashSet(), polls.Select(r => r.Upstream).ToHashSet());
    }
}
