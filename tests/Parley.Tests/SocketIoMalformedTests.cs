using System.Net;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Parley.Tests.Support;

namespace Parley.Tests;

/// <summary>
/// A corpus of bad packets, each sent on a fresh Parley session over both transports: every one closes only its own
/// session (a 400 or 413 on polling, a closed WebSocket), never a 500, while a healthy session beside them carries on.
/// </summary>
public sealed class SocketIoMalformedTests(ParleyApp app) : IClassFixture<ParleyApp>
{
    public static readonly string[] Corpus =
    [
        "abc", "7", "4", "4abc", "42{}", "42abc[\"message\"]", "42[]", "42[1]", "42[\"connect\"]", "42[\"x\"]junk", "4{", "43[]", "44{}",
        "40[1]", "41{\"a\":1}", "45-[\"x\"]", "4599-[\"x\"]", "0", "0{}", "5", "421234567890123456[\"x\"]", "42[\"x\",{\"a\":",
    ];

    [Fact]
    public async Task Each_bad_polling_packet_closes_its_session_with_a_400_and_nothing_else()
    {
        var alice = await app.UserAsync("alice");
        var healthy = await PollingSessionAsync(alice);
        foreach (var bad in Corpus.Append("b!!!").Append("451-[\"x\",{\"_placeholder\":true,\"num\":0}]\u001e42[\"x\"]"))
        {
            var sid = await PollingSessionAsync(alice);
            var post = await PostAsync(sid, bad);
            Assert.True(post == HttpStatusCode.BadRequest, $"{bad}: {post}");
            Assert.Equal(HttpStatusCode.BadRequest, (await PollAsync(sid)).Status);
        }
        var tooLarge = await PollingSessionAsync(alice);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, await PostAsync(tooLarge, "42[\"x\",\"" + new string('a', 1_000_001) + "\"]"));
        Assert.Equal(HttpStatusCode.BadRequest, (await PollAsync(tooLarge)).Status);

        Assert.Equal(HttpStatusCode.OK, await PostAsync(healthy, "3\u001e421[\"ping\"]"));
        string body;
        while (!(body = (await PollAsync(healthy)).Body).Contains("serverTime", StringComparison.Ordinal))
            Assert.Equal(HttpStatusCode.OK, await PostAsync(healthy, "3")); // a ping came first: answer it and poll again
    }

    [Fact]
    public async Task Each_bad_websocket_packet_closes_its_socket_and_nothing_else()
    {
        var alice = await app.UserAsync("alice");
        using var healthy = await WebSocketSessionAsync(alice);
        foreach (var bad in Corpus)
        {
            using var socket = await WebSocketSessionAsync(alice);
            await SendAsync(socket, bad);
            await ClosedAsync(socket, bad);
        }
        using var binary = await WebSocketSessionAsync(alice);
        await binary.SendAsync(new byte[] { 1, 2, 3 }, WebSocketMessageType.Binary, true, CancellationToken.None);
        await ClosedAsync(binary, "unexpected binary");

        await SendAsync(healthy, "421[\"ping\"]");
        Assert.StartsWith("431[{\"ok\":true", await ReceiveAsync(healthy));
    }

    private async Task<string> PollingSessionAsync(TestUser user)
    {
        var open = await PollAsync(null);
        var sid = JsonDocument.Parse(open.Body[1..]).RootElement.GetProperty("sid").GetString()!;
        Assert.Equal(HttpStatusCode.OK, await PostAsync(sid, "40" + JsonSerializer.Serialize(new { token = user.Token })));
        Assert.StartsWith("40{\"sid\"", (await PollAsync(sid)).Body);
        return sid;
    }

    private async Task<(HttpStatusCode Status, string Body)> PollAsync(string? sid)
    {
        var response = await app.Http().GetAsync($"/socket.io/?EIO=4&transport=polling{(sid is null ? "" : "&sid=" + sid)}");
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    private async Task<HttpStatusCode> PostAsync(string sid, string body) =>
        (await app.Http().PostAsync($"/socket.io/?EIO=4&transport=polling&sid={sid}", new StringContent(body, Encoding.UTF8, "text/plain"))).StatusCode;

    private async Task<ClientWebSocket> WebSocketSessionAsync(TestUser user)
    {
        var socket = new ClientWebSocket();
        await socket.ConnectAsync(new Uri($"ws://{app.BaseAddress.Authority}/socket.io/?EIO=4&transport=websocket"), CancellationToken.None);
        Assert.StartsWith("0{", await ReceiveAsync(socket));
        await SendAsync(socket, "40" + JsonSerializer.Serialize(new { token = user.Token }));
        Assert.StartsWith("40{\"sid\"", await ReceiveAsync(socket));
        Assert.StartsWith("42[\"ready\"", await ReceiveAsync(socket));
        return socket;
    }

    private static Task SendAsync(ClientWebSocket socket, string text) =>
        socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, CancellationToken.None);

    /// <summary>The next text message that is not a ping.</summary>
    private static async Task<string> ReceiveAsync(ClientWebSocket socket)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        var buffer = new byte[64 * 1024];
        while (true)
        {
            var result = await socket.ReceiveAsync(buffer, timeout.Token);
            var text = Encoding.UTF8.GetString(buffer, 0, result.Count);
            if (result.MessageType == WebSocketMessageType.Close || text != "2") return text;
        }
    }

    private static async Task ClosedAsync(ClientWebSocket socket, string what)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        var buffer = new byte[4096];
        while (socket.State == WebSocketState.Open)
        {
            var result = await socket.ReceiveAsync(buffer, timeout.Token);
            if (result.MessageType == WebSocketMessageType.Close) break;
        }
        Assert.True(socket.State is WebSocketState.CloseReceived or WebSocketState.Closed, $"{what}: {socket.State}");
    }
}
