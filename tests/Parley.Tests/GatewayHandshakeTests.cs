using System.Net.WebSockets;
using System.Text;
using Parley.Tests.Support;

namespace Parley.Tests;

/// <summary>
/// The connection-level handshake (GatewayHandshake): the first request on a connection that is a WebSocket upgrade
/// to the gateway is answered ahead of HTTP, with the endpoint's rules and answers; everything else reaches HTTP
/// untouched. A 101 without Kestrel's Server header is the handshake's; HTTP's carries it.
/// </summary>
public sealed class GatewayHandshakeTests(GatewayApp app) : IClassFixture<GatewayApp>
{
    [Fact]
    public async Task An_upgrade_is_answered_ahead_of_http_and_a_frame_pipelined_behind_it_is_read()
    {
        var alice = await app.UserAsync("alice");
        await using var raw = await RawConnection.OpenAsync(app);
        // The auth frame goes out in the same write as the request, before the 101 is seen.
        await raw.SendAsync([.. Encoding.ASCII.GetBytes(RawConnection.Upgrade("/ws")), .. RawConnection.TextFrame($"{{\"type\":\"auth\",\"data\":{{\"token\":\"{alice.Token}\"}}}}")]);
        var response = await raw.ReadResponseAsync();
        Assert.Equal(101, response.Status);
        Assert.Equal(RawConnection.Accept, response.Header("Sec-WebSocket-Accept"));
        Assert.Equal("websocket", response.Header("Upgrade"));
        Assert.Null(response.Header("Server"));

        using var socket = raw.AsWebSocket();
        var ready = await socket.ReceiveJsonAsync();
        Assert.Equal("ready", ready.Str("type"));
        Assert.Equal(alice.Id, ready.GetProperty("data").Str("userId"));
        await socket.SendJsonAsync(new { type = "ping", id = "p1" });
        var pong = await socket.ReceiveJsonAsync();
        Assert.Equal("p1", pong.Str("id"));
        Assert.True(pong.GetProperty("ok").GetBoolean());
        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "bye", CancellationToken.None);
        Assert.Equal(WebSocketCloseStatus.NormalClosure, socket.CloseStatus);
    }

    [Theory]
    [InlineData("/ws/{id}", true)]
    [InlineData("/WS?access_token={token}", false)]
    [InlineData("/ws/{id}?x=1&access_token={token}", false)]
    public async Task Header_and_query_tokens_are_read_as_the_endpoint_reads_them(string target, bool header)
    {
        var alice = await app.UserAsync("alice");
        await using var raw = await RawConnection.OpenAsync(app);
        await raw.SendAsync(RawConnection.Upgrade(target.Replace("{id}", alice.Id).Replace("{token}", alice.Token), header ? alice.Token : null));
        var response = await raw.ReadResponseAsync();
        Assert.Equal(101, response.Status);
        Assert.Null(response.Header("Server"));
        using var socket = raw.AsWebSocket();
        Assert.Equal(alice.Id, (await socket.ReceiveJsonAsync()).GetProperty("data").Str("userId"));
    }

    [Fact]
    public async Task Every_refusal_before_the_upgrade_matches_the_endpoint_and_the_connection_stays_usable()
    {
        var (alice, bob) = (await app.UserAsync("alice"), await app.UserAsync("bob"));
        var revoked = await app.UserAsync("revoked");
        (await revoked.PutAsync($"/api/users/{revoked.Id}", new { password = "another-horse" })).Expect(200);

        (string Request, int Status, string Message)[] cases =
        [
            (RawConnection.Upgrade("/ws", "not-a-token"), 401, "Invalid or expired token"),
            (RawConnection.Upgrade("/ws?access_token=nope"), 401, "Invalid or expired token"),
            (RawConnection.Upgrade("/ws", revoked.Token), 401, "Token has been revoked"),
            (RawConnection.Upgrade($"/ws/{bob.Id}", alice.Token), 403, "This socket belongs to another user"),
            (RawConnection.Upgrade($"/ws/{bob.Id}?access_token={alice.Token}"), 403, "This socket belongs to another user"),
        ];
        foreach (var (request, status, message) in cases)
        {
            await using var raw = await RawConnection.OpenAsync(app);
            await raw.SendAsync(request);
            var fast = await raw.ReadResponseAsync();
            Assert.Null(fast.Header("Server"));
            Assert.Equal(status, fast.Status);
            Assert.Equal(message, fast.Json.GetProperty("error").Str("message"));
            Assert.Equal(status == 401 ? "Bearer" : null, fast.Header("WWW-Authenticate"));

            // The same request after a first one on the connection goes through HTTP: the same answer, byte for byte.
            await raw.SendAsync(RawConnection.Get("/healthz"));
            Assert.Equal(200, (await raw.ReadResponseAsync()).Status);
            await raw.SendAsync(request);
            var http = await raw.ReadResponseAsync();
            Assert.NotNull(http.Header("Server"));
            Assert.Equal(http.Status, fast.Status);
            Assert.Equal(http.Body, fast.Body);
            Assert.Equal(http.Header("WWW-Authenticate"), fast.Header("WWW-Authenticate"));
        }
    }

    [Fact]
    public async Task A_keep_alive_connection_can_upgrade_after_a_normal_request()
    {
        var alice = await app.UserAsync("alice");
        await using var raw = await RawConnection.OpenAsync(app);
        await raw.SendAsync(RawConnection.Get("/api/users/me", $"Authorization: Bearer {alice.Token}\r\n"));
        var me = await raw.ReadResponseAsync();
        Assert.Equal(200, me.Status);
        Assert.Equal(alice.Id, me.Json.GetProperty("data").Str("id"));

        await raw.SendAsync(RawConnection.Upgrade("/ws", alice.Token));
        var response = await raw.ReadResponseAsync();
        Assert.Equal(101, response.Status);
        Assert.Equal(RawConnection.Accept, response.Header("Sec-WebSocket-Accept"));
        Assert.NotNull(response.Header("Server"));
        using var socket = raw.AsWebSocket();
        Assert.Equal("ready", (await socket.ReceiveJsonAsync()).Str("type"));
    }

    public static TheoryData<string> Malformed => new()
    {
        RawConnection.Upgrade("/ws").Replace($"Sec-WebSocket-Key: {RawConnection.Key}\r\n", ""),
        RawConnection.Upgrade("/ws").Replace(RawConnection.Key, "short"),
        RawConnection.Upgrade("/ws").Replace("Version: 13", "Version: 12"),
        RawConnection.Upgrade("/ws").Replace("Upgrade: websocket", "Upgrade: h2c"),
        RawConnection.Upgrade("/ws").Replace("Connection: Upgrade", "Connection: keep-alive"),
        RawConnection.Upgrade("/ws").Replace("GET", "POST"),
        RawConnection.Upgrade("/ws", extra: "Content-Length: 5\r\n") + "hello",
        RawConnection.Upgrade("/ws", extra: "Transfer-Encoding: chunked\r\n") + "0\r\n\r\n",
        RawConnection.Upgrade("/ws", extra: "Host: twice.test\r\n"),
        RawConnection.Upgrade("/ws", extra: "X-Folded: a\r\n b\r\n"),
        RawConnection.Upgrade("/ws", extra: "No colon here\r\n"),
        RawConnection.Upgrade("/ws", extra: "Bad Name: x\r\n"),
        RawConnection.Upgrade("/ws", extra: "X-Latin: caf\u00e9\r\n"),
        RawConnection.Upgrade("/ws/a/b"),
        RawConnection.Upgrade("/wsx"),
        RawConnection.Upgrade("/ws with space"),
        "GET /ws HTTP/1.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: " + RawConnection.Key + "\r\n\r\n",
    };

    [Theory]
    [MemberData(nameof(Malformed))]
    public async Task A_malformed_upgrade_gets_an_http_answer_never_a_500_or_a_hang(string request)
    {
        await using var raw = await RawConnection.OpenAsync(app);
        await raw.SendAsync(request);
        var response = await raw.ReadResponseAsync();
        Assert.InRange(response.Status, 400, 499);
        Assert.NotNull(response.Header("Server")); // answered by HTTP, not the handshake
        Assert.Equal("Healthy", await app.Http().GetStringAsync("/healthz"));
    }

    [Theory]
    [InlineData("/ws/")]
    [InlineData("/ws/{escaped-id}")]
    [InlineData("/ws", "HTTP/1.0")]
    public async Task Upgrades_the_handshake_leaves_alone_still_upgrade_through_http(string target, string version = "HTTP/1.1")
    {
        var alice = await app.UserAsync("alice");
        await using var raw = await RawConnection.OpenAsync(app);
        var escaped = $"%{(int)alice.Id[0]:X2}{alice.Id[1..]}";
        await raw.SendAsync(RawConnection.Upgrade(target.Replace("{escaped-id}", escaped)).Replace("HTTP/1.1", version));
        var response = await raw.ReadResponseAsync();
        Assert.Equal(101, response.Status);
        Assert.NotNull(response.Header("Server"));
        using var socket = raw.AsWebSocket();
        await socket.SendJsonAsync(new { type = "auth", data = new { token = alice.Token } });
        Assert.Equal(alice.Id, (await socket.ReceiveJsonAsync()).GetProperty("data").Str("userId"));
    }

    [Fact]
    public async Task Incomplete_slow_silent_and_oversized_heads_are_left_to_http()
    {
        var alice = await app.UserAsync("alice");

        // Half a head, then the client hangs up: the server lets go of the connection.
        await using (var cut = await RawConnection.OpenAsync(app))
        {
            await cut.SendAsync(RawConnection.Upgrade("/ws", alice.Token)[..30]);
            cut.ShutdownSend();
            Assert.True(await cut.ClosedByServerAsync());
        }

        // Silent past the handshake's wait (the test app's 1 s auth timeout), then a normal request.
        await using (var silent = await RawConnection.OpenAsync(app))
        {
            await Task.Delay(TimeSpan.FromSeconds(1.5));
            await silent.SendAsync(RawConnection.Get("/healthz"));
            Assert.Equal(200, (await silent.ReadResponseAsync()).Status);
        }

        // Half an upgrade, a pause past the wait, then the rest: HTTP finishes it and upgrades.
        await using (var slow = await RawConnection.OpenAsync(app))
        {
            var request = RawConnection.Upgrade("/ws", alice.Token);
            await slow.SendAsync(request[..40]);
            await Task.Delay(TimeSpan.FromSeconds(1.5));
            await slow.SendAsync(request[40..]);
            var response = await slow.ReadResponseAsync();
            Assert.Equal(101, response.Status);
            Assert.NotNull(response.Header("Server"));
            using var socket = slow.AsWebSocket();
            Assert.Equal("ready", (await socket.ReceiveJsonAsync()).Str("type"));
        }

        // A head longer than the handshake reads (a big cookie): HTTP takes it.
        await using (var big = await RawConnection.OpenAsync(app))
        {
            await big.SendAsync(RawConnection.Upgrade("/ws", alice.Token, $"Cookie: c={new string('x', 20_000)}\r\n"));
            var response = await big.ReadResponseAsync();
            Assert.Equal(101, response.Status);
            Assert.NotNull(response.Header("Server"));
        }
    }
}

public sealed class SocketCapApp : ParleyApp
{
    protected override IEnumerable<KeyValuePair<string, string>> Settings => [new("Limits:MaxSockets", "2")];
}

public sealed class SocketCapTests(SocketCapApp app) : IClassFixture<SocketCapApp>
{
    [Fact]
    public async Task Past_the_socket_cap_upgrades_are_refused_with_503_on_both_ways_in_until_a_socket_closes()
    {
        var alice = await app.UserAsync("alice");
        await using var first = await alice.OnlineAsync();
        await using var second = await alice.OnlineAsync();

        await using (var fast = await RawConnection.OpenAsync(app))
        {
            await fast.SendAsync(RawConnection.Upgrade("/ws", alice.Token));
            var refused = await fast.ReadResponseAsync();
            Assert.Equal(503, refused.Status);
            Assert.Null(refused.Header("Server"));
            Assert.Equal("unavailable", refused.Json.GetProperty("error").Str("code"));

            await fast.SendAsync(RawConnection.Upgrade("/ws", alice.Token));
            var viaHttp = await fast.ReadResponseAsync();
            Assert.Equal(503, viaHttp.Status);
            Assert.NotNull(viaHttp.Header("Server"));
            Assert.Equal(refused.Body, viaHttp.Body);
        }
        Assert.True((await first.RequestAsync("ping")).GetProperty("ok").GetBoolean());

        await first.CloseAsync();
        // The slot comes back once the server has finished with the closed socket.
        for (var attempt = 0; ; attempt++)
        {
            await using var raw = await RawConnection.OpenAsync(app);
            await raw.SendAsync(RawConnection.Upgrade("/ws", alice.Token));
            var response = await raw.ReadResponseAsync();
            if (response.Status == 101) break;
            Assert.True(response.Status == 503 && attempt < 50, $"got {response.Status}");
            await Task.Delay(100);
        }
    }
}

public sealed class AllowedHostsApp : ParleyApp
{
    protected override IEnumerable<KeyValuePair<string, string>> Settings => [new("AllowedHosts", "chat.example;127.0.0.1")];
}

public sealed class AllowedHostsHandshakeTests(AllowedHostsApp app) : IClassFixture<AllowedHostsApp>
{
    [Fact]
    public async Task An_upgrade_for_a_host_that_AllowedHosts_refuses_goes_to_http_and_is_refused_there()
    {
        var alice = await app.UserAsync("alice");
        foreach (var (host, status, fast) in new[] { ("chat.example", 101, true), ("CHAT.example:443", 101, true), ("evil.example", 400, false) })
        {
            await using var raw = await RawConnection.OpenAsync(app);
            await raw.SendAsync(RawConnection.Upgrade("/ws", alice.Token).Replace("Host: parley.test", $"Host: {host}"));
            var response = await raw.ReadResponseAsync();
            Assert.True(response.Status == status, $"{host}: {response.Status}");
            Assert.Equal(fast, response.Header("Server") is null);
        }
    }
}
