using System.Net;
using System.Net.WebSockets;
using System.Text.Json;
using Parley.Tests.Support;

namespace Parley.Tests;

public sealed class GatewayApp : ParleyApp
{
    protected override IEnumerable<KeyValuePair<string, string>> Settings =>
    [
        new("Gateway:TypingTimeout", "00:00:00.500"),
        new("Gateway:AuthTimeout", "00:00:01"),
        new("Presence:OfflineGrace", "00:00:00.200"),
    ];
}

public sealed class GatewayTests(GatewayApp app) : IClassFixture<GatewayApp>
{
    [Fact]
    public async Task Plain_requests_and_bad_tokens_are_refused_before_the_upgrade()
    {
        var alice = await app.UserAsync("alice");
        var bob = await app.UserAsync("bob");

        var plain = await ApiResponse.ReadAsync(await app.Http().GetAsync("/ws"));
        plain.ExpectError(401, "unauthorized");
        Assert.Equal(HttpStatusCode.Unauthorized, await WsClient.RefusedAsync(app, "not-a-token"));
        Assert.Equal(HttpStatusCode.Unauthorized, await WsClient.RefusedAsync(app, alice.Token + "x", via: TokenIn.Query));
        Assert.Equal(HttpStatusCode.Forbidden, await WsClient.RefusedAsync(app, alice.Token, $"/ws/{bob.Id}"));
        var upgradeMissing = await ApiResponse.ReadAsync(await alice.Http.GetAsync("/ws"));
        upgradeMissing.ExpectError(400);
    }

    [Fact]
    public async Task A_socket_authenticates_with_the_header_the_query_or_a_first_auth_frame()
    {
        var alice = await app.UserAsync("alice");
        await using var byHeader = await alice.OnlineAsync();
        await using var byQuery = await alice.OnlineAsync($"/ws/{alice.Id}", TokenIn.Query);

        await using var byFrame = await WsClient.ConnectAsync(app, null);
        await byFrame.SendAsync("auth", new { token = alice.Token });
        var ready = (await byFrame.NextAsync("ready")).Data();
        Assert.Equal(alice.Id, ready.Str("userId"));
        Assert.True(ready.GetProperty("cursor").GetInt64() >= 0);
        var pong = await byFrame.RequestAsync("ping");
        Assert.True(pong.GetProperty("ok").GetBoolean());
        Assert.True(pong.Data().TryGetProperty("serverTime", out _));
    }

    [Fact]
    public async Task A_bad_auth_frame_closes_4401_another_users_socket_4403_and_silence_times_out()
    {
        var alice = await app.UserAsync("alice");
        var bob = await app.UserAsync("bob");

        await using var badToken = await WsClient.ConnectAsync(app, null);
        await badToken.SendAsync("auth", new { token = "nope" });
        Assert.Equal((WebSocketCloseStatus)4401, await badToken.ClosedAsync());
        Assert.Contains("token", badToken.CloseDescription);

        await using var notAuth = await WsClient.ConnectAsync(app, null);
        await notAuth.SendAsync("ping", null, "p1");
        Assert.Equal((WebSocketCloseStatus)4401, await notAuth.ClosedAsync());

        await using var wrongUser = await WsClient.ConnectAsync(app, null, $"/ws/{bob.Id}");
        await wrongUser.SendAsync("auth", new { token = alice.Token });
        Assert.Equal((WebSocketCloseStatus)4403, await wrongUser.ClosedAsync());

        await using var silent = await WsClient.ConnectAsync(app, null);
        Assert.Equal((WebSocketCloseStatus)4401, await silent.ClosedAsync());
        Assert.Contains("timed out", silent.CloseDescription);
    }

    [Fact]
    public async Task Every_conversation_event_reaches_exactly_the_members_on_all_their_devices()
    {
        var (alice, bob, carol, dave) = (await app.UserAsync("alice"), await app.UserAsync("bob"), await app.UserAsync("carol"), await app.UserAsync("dave"));
        await using var alicePhone = await alice.OnlineAsync();
        await using var aliceLaptop = await alice.OnlineAsync();
        await using var bobSocket = await bob.OnlineAsync();
        await using var carolSocket = await carol.OnlineAsync();
        await using var daveSocket = await dave.OnlineAsync();
        var everyone = new[] { alicePhone, aliceLaptop, bobSocket, carolSocket, daveSocket };

        async Task Expect(string step, params string[][] perSocket)
        {
            for (var i = 0; i < everyone.Length; i++)
            {
                var frames = await everyone[i].DrainAsync();
                Assert.True(perSocket[i].SequenceEqual(frames.Types()), $"{step}, socket {i}: got [{string.Join(", ", frames.Types())}]");
                Assert.All(frames.Where(f => f.Type() != "presence"), f => Assert.True(f.Cursor() > 0));
            }
        }

        var id = await alice.GroupAsync(bob);
        await Expect("create", ["conversation:new", "member:added"], ["conversation:new", "member:added"],
            ["conversation:new", "member:added", "conversation:new", "notification:new"], [], []);

        (await alice.PutAsync($"/api/conversations/{id}", new { name = "Renamed" })).Expect(200);
        await Expect("update", ["conversation:updated"], ["conversation:updated"], ["conversation:updated"], [], []);

        (await alice.PostAsync($"/api/conversations/{id}/members", new { user_id = carol.Id })).Expect(200);
        await Expect("add", ["member:added"], ["member:added"], ["member:added"], ["member:added", "conversation:new", "notification:new"], []);

        (await alice.PutAsync($"/api/conversations/{id}/members/{bob.Id}/role", new { role = "ADMIN" })).Expect(200);
        await Expect("role", ["member:role"], ["member:role"], ["member:role", "notification:new"], ["member:role"], []);

        (await alice.DeleteAsync($"/api/conversations/{id}/members/{carol.Id}")).Expect(200);
        await Expect("remove", ["member:removed"], ["member:removed"], ["member:removed"], ["member:removed"], []);

        // Carol is out: the cached membership must have been refreshed.
        (await alice.PutAsync($"/api/conversations/{id}", new { name = "Without Carol" })).Expect(200);
        await Expect("update after remove", ["conversation:updated"], ["conversation:updated"], ["conversation:updated"], [], []);

        (await alice.DeleteAsync($"/api/conversations/{id}")).Expect(200);
        await Expect("delete", ["conversation:deleted"], ["conversation:deleted"], ["conversation:deleted"], [], []);
    }

    [Fact]
    public async Task Event_frames_carry_type_cursor_and_the_payload()
    {
        var (alice, bob) = (await app.UserAsync("alice"), await app.UserAsync("bob"));
        await using var bobSocket = await bob.OnlineAsync();
        var id = await alice.GroupAsync(bob);
        var added = await bobSocket.EventAsync("member:added", id);
        Assert.Equal(bob.Id, added.Data().Str("userId"));
        Assert.Equal(alice.Id, added.Data().Str("addedBy"));
        var notification = await bobSocket.NextAsync("notification:new");
        Assert.Equal(id, notification.Data().Str("conversationId"));
        Assert.True(notification.Cursor() > added.Cursor());
        Assert.Equal(["type", "cursor", "data"], notification.EnumerateObject().Select(p => p.Name));
    }
}
