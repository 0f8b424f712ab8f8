using System.Net.WebSockets;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Parley.Server.Api;
using Parley.Server.Realtime;
using Parley.Tests.Support;

namespace Parley.Tests;

/// <summary>
/// The bad-frame corpus against every request type in the gateway's registry (new request types join by being
/// registered): each frame gets an ack with ok:false and a 4xx, or an error frame; the socket stays open and no error is logged.
/// </summary>
public sealed class BadFramesTests(BadInputApp app) : IClassFixture<BadInputApp>
{
    private void NoErrorsLogged() => Assert.True(app.Errors.Lines.Count == 0, "error log:\n" + string.Join('\n', app.Errors.Lines.Take(20)));

    [Fact]
    public async Task Every_request_type_answers_bad_data_with_a_4xx_ack_or_an_error_frame()
    {
        var owner = await app.UserAsync("owner");
        var member = await app.UserAsync("member");
        await owner.GroupAsync("group", member);
        var types = app.Services.GetRequiredService<IOptions<GatewayRequestTable>>().Value.Types.ToList();
        Assert.Contains(Parley.Server.Messages.MessagesGateway.MessageSend, types);
        var failures = new List<string>();
        await Parallel.ForEachAsync(types, new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (type, _) =>
        {
            var problems = await RunAsync(owner, BadInputCorpus.Frames(type).ToList());
            lock (failures) failures.AddRange(problems.Select(p => $"{type}: {p}"));
        });
        Assert.True(failures.Count == 0, $"{failures.Count} bad answers:\n" + string.Join('\n', failures.Take(40)));
        NoErrorsLogged();
    }

    [Fact]
    public async Task Frames_that_are_not_requests_get_an_error_frame_and_keep_the_socket()
    {
        var user = await app.UserAsync();
        var problems = await RunAsync(user, [.. BadInputCorpus.BrokenFrames]);
        Assert.True(problems.Count == 0, string.Join('\n', problems));
        NoErrorsLogged();
    }

    [Fact]
    public async Task An_undecodable_auth_frame_closes_with_4401_and_logs_nothing()
    {
        var user = await app.UserAsync();
        foreach (var frame in new[] { "{\"type\":\"\\ud800\",\"data\":{}}", $"{{\"type\":\"auth\",\"data\":{{\"token\":\"{user.Token}\\ud800\"}}}}", "{\"type\":\"auth\",\"data\":{\"\\udc00\":1}}" })
        {
            await using var socket = await WsClient.ConnectAsync(app, null, via: TokenIn.None);
            await socket.SendTextAsync(frame);
            Assert.Equal((WebSocketCloseStatus)4401, await socket.ClosedAsync());
        }
        NoErrorsLogged();
    }

    [Fact]
    public async Task Invalid_utf8_in_a_text_frame_fails_the_socket_as_RFC_6455_requires_and_logs_nothing()
    {
        var user = await app.UserAsync();
        await using var socket = await WsClient.ConnectAsync(user);
        await socket.NextAsync("ready");
        await socket.SendTextBytesAsync([(byte)'{', (byte)'"', 0xFF, (byte)'"', (byte)':', (byte)'1', (byte)'}']);
        Assert.Equal(WebSocketCloseStatus.InvalidPayloadData, await socket.ClosedAsync());
        await using var next = await WsClient.ConnectAsync(user);
        Assert.True((await next.RequestAsync(BuiltInRequests.Ping)).GetProperty("ok").GetBoolean());
        NoErrorsLogged();
    }

    /// <summary>Sends every frame on one socket, then a ping; returns what was wrong with the answers.</summary>
    private static async Task<List<string>> RunAsync(TestUser user, List<string> frames)
    {
        await using var socket = await WsClient.ConnectAsync(user);
        await socket.NextAsync("ready");
        var problems = new List<string>();
        foreach (var frame in frames)
        {
            await socket.SendTextAsync(frame);
            // Every bad frame is answered by exactly one ack or error frame; a ping after it says the socket is still served.
            var (pong, before) = await socket.ExchangeAsync(BuiltInRequests.Ping);
            if (!pong.GetProperty("ok").GetBoolean()) problems.Add($"{frame}: ping after it failed");
            var answer = before.LastOrDefault(f => f.Str("type") is "ack" or "error");
            if (answer.ValueKind == JsonValueKind.Undefined) { problems.Add($"{Shorten(frame)}: no answer"); continue; }
            if (answer.Str("type") == "error") continue;
            if (answer.GetProperty("ok").GetBoolean()) continue;
            var status = answer.GetProperty("error").GetProperty("status").GetInt32();
            if (status >= 500) problems.Add($"{Shorten(frame)}: {answer}");
        }
        Assert.Equal(WebSocketState.Open, socket.State);
        return problems;
    }

    private static string Shorten(string text) => text.Length > 150 ? text[..150] + "…" : text;
}
