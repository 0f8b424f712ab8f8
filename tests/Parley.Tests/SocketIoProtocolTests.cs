using Parley.Tests.Support;

namespace Parley.Tests;

public sealed class ProtocolTestModeApp : ParleyApp
{
    protected override IEnumerable<KeyValuePair<string, string>> Settings =>
        [new("SocketIo:ProtocolTestMode", "true"), new("SocketIo:CorsOrigins:0", "http://allowed.example")];
}

/// <summary>Protocol test mode (SocketIo:ProtocolTestMode) as the socket.io-protocol test suite uses it, driven by the real client: binary included.</summary>
public sealed class SocketIoProtocolTests(ProtocolTestModeApp app) : IClassFixture<ProtocolTestModeApp>
{
    [Theory]
    [InlineData("websocket")]
    [InlineData("polling")]
    public async Task Without_a_token_the_echo_namespaces_answer_with_the_same_arguments_binary_included(string transport)
    {
        await using var client = await SocketIoClient.ConnectAsync(app.BaseAddress, new { auth = new { token = "123" }, transports = new[] { transport } });
        await client.NextAsync("connect");
        Assert.Equal("123", (await client.EventAsync("auth"))[0].Str("token"));

        var binary = new Dictionary<string, string> { ["$binary"] = Convert.ToBase64String([1, 2, 3]) };
        await client.SendAsync(new { cmd = "emit", name = "message", args = new object[] { 1, "2", binary }, ack = false });
        var back = await client.EventAsync("message-back");
        Assert.Equal(1, back[0].GetInt32());
        Assert.Equal("2", back[1].GetString());
        Assert.Equal("AQID", back[2].Str("$binary"));

        // Test mode's 200 ms ping timeout can drop a polling client on a busy machine; it reconnects, and the ack is asked again.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                Assert.Equal("AQID", (await client.EmitAsync("message-with-ack", binary)).Str("$binary"));
                break;
            }
            catch (Xunit.Sdk.XunitException) when (attempt < 3)
            {
                await client.NextAsync("connect");
            }
        }
    }

    [Fact]
    public async Task The_custom_namespace_connects_and_any_other_gets_connect_error()
    {
        await using var custom = await SocketIoClient.ConnectAsync(new Uri(app.BaseAddress, "/custom"), new { transports = new[] { "websocket" } });
        await custom.NextAsync("connect");
        await custom.EventAsync("auth");
        await using var other = await SocketIoClient.ConnectAsync(new Uri(app.BaseAddress, "/random"), new { transports = new[] { "websocket" }, reconnection = false });
        Assert.Equal("Invalid namespace", (await other.NextAsync("connect_error")).Str("message"));
    }

    [Fact]
    public async Task Listed_origins_get_cors_headers_and_a_preflight_answer_others_none()
    {
        using var preflight = new HttpRequestMessage(HttpMethod.Options, "/socket.io/?EIO=4&transport=polling");
        preflight.Headers.Add("Origin", "http://allowed.example");
        preflight.Headers.Add("Access-Control-Request-Method", "POST");
        var answer = await app.Http().SendAsync(preflight);
        Assert.Equal(System.Net.HttpStatusCode.NoContent, answer.StatusCode);
        Assert.Equal("http://allowed.example", answer.Headers.GetValues("Access-Control-Allow-Origin").Single());
        Assert.Contains("POST", answer.Headers.GetValues("Access-Control-Allow-Methods").Single());

        foreach (var (origin, allowed) in new[] { ("http://allowed.example", true), ("http://other.example", false) })
        {
            using var open = new HttpRequestMessage(HttpMethod.Get, "/socket.io/?EIO=4&transport=polling");
            open.Headers.Add("Origin", origin);
            var response = await app.Http().SendAsync(open);
            Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(allowed, response.Headers.Contains("Access-Control-Allow-Origin"));
        }
    }

    [Fact]
    public async Task A_valid_token_still_gets_a_parley_socket()
    {
        var alice = await app.UserAsync("alice");
        await using var client = await SocketIoClient.ConnectAsync(app.BaseAddress, new { auth = new { token = alice.Token }, transports = new[] { "websocket" } });
        Assert.Equal(alice.Id, (await client.EventAsync("ready"))[0].Str("userId"));
    }
}
