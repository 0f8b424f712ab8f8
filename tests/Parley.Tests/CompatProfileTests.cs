using System.Net;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using Parley.Server.Compat;
using Parley.Tests.Support;

namespace Parley.Tests;

/// <summary>
/// How a profile is chosen on a server that defaults to parley: per request by the Parley-Profile header, per socket by
/// ?profile=, never guessed; an unknown profile is a 400; parley itself is the identity.
/// </summary>
public sealed class CompatProfileTests(ParleyApp app) : IClassFixture<ParleyApp>
{
    private static async Task<(int Status, string Body)> RawAsync(TestUser user, string path, string? profile)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (profile is not null) request.Headers.Add(Profiles.Header, profile);
        using var response = await user.Http.SendAsync(request);
        return ((int)response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task The_header_chooses_the_profile_of_one_request_and_parley_is_unchanged()
    {
        var alice = await app.UserAsync("alice");
        var bob = await app.UserAsync("bob");
        var id = (await alice.PostAsync("/api/conversations", new { type = "private", participantId = bob.Id })).Expect(201).Str("id");

        var plain = await RawAsync(alice, $"/api/conversations/{id}", null);
        var parley = await RawAsync(alice, $"/api/conversations/{id}", "parley");
        Assert.Equal(plain, parley);
        Assert.Equal(id, JsonDocument.Parse(plain.Body).RootElement.GetProperty("data").Str("id"));

        var seed001 = JsonDocument.Parse((await RawAsync(alice, $"/api/conversations/{id}", "seed-001")).Body).RootElement;
        Assert.Equal(id, seed001.GetProperty("data").Str("_id"));
        Assert.Equal("1on1", seed001.GetProperty("data").Str("type"));

        var (status, body) = await RawAsync(alice, $"/api/conversations/{id}", "SEED-004");
        Assert.Equal(200, status);
        Assert.Equal(JsonValueKind.Array, JsonDocument.Parse(body).RootElement.ValueKind);

        // The next request without the header is Parley's again: nothing is remembered.
        Assert.Equal(plain, await RawAsync(alice, $"/api/conversations/{id}", null));
    }

    [Fact]
    public async Task An_unknown_profile_is_refused_with_400_on_requests_and_sockets()
    {
        var alice = await app.UserAsync("alice");
        var (status, body) = await RawAsync(alice, "/api/conversations", "seed-999");
        Assert.Equal(400, status);
        var error = JsonDocument.Parse(body).RootElement.GetProperty("error");
        Assert.Equal("bad_request", error.Str("code"));
        Assert.Contains("seed-004", error.Str("message"));

        Assert.Equal(HttpStatusCode.BadRequest, await WsClient.RefusedAsync(app, alice.Token, "/ws?profile=seed-999"));
        Assert.Equal(HttpStatusCode.BadRequest, await WsClient.RefusedAsync(app, alice.Token, $"/ws/{alice.Id}?profile=nope"));
    }

    [Fact]
    public async Task A_socket_gets_its_own_profile_while_others_keep_parley()
    {
        var alice = await app.UserAsync("alice");
        var bob = await app.UserAsync("bob");
        var id = await alice.GroupAsync(bob);
        await using var native = await bob.OnlineAsync();
        await using var seed001 = await WsClient.ConnectAsync(app, bob.Token, "/ws?profile=seed-001");
        await using var seed000 = await WsClient.ConnectAsync(app, bob.Token, $"/ws/{bob.Id}?profile=seed-000");
        // Live events start after a socket's ready frame (what came before it is history), so wait for both.
        await seed001.NextAsync("ready");
        await seed000.NextAsync("ready");

        var sent = (await alice.PostAsync($"/api/conversations/{id}/messages", new { content = "to every device", payload = new { id = "mine" } })).Expect(201);
        var parley = (await native.EventAsync("message:new", id)).Data().GetProperty("message");
        Assert.Equal(sent.Str("id"), parley.Str("id"));
        Assert.Equal(alice.Id, parley.Str("senderId"));

        var mongo = (await seed001.NextAsync(f => f.Str("type") == "message:new")).Data();
        Assert.Equal(id, mongo.Str("conversationId"));
        var message = mongo.GetProperty("message");
        Assert.Equal(sent.Str("id"), message.Str("_id"));
        Assert.Equal(alice.Id, message.GetProperty("senderId").Str("_id"));
        Assert.Equal("mine", message.GetProperty("payload").Str("id"));
        message.LacksKeys("id", "sender");

        var python = await seed000.NextAsync(f => f.Str("type") == "new_message");
        Assert.Equal(id, python.Data().Str("conversation_id"));
        Assert.True(python.GetProperty("cursor").GetInt64() > 0);
    }

    [Fact]
    public async Task Resume_replays_missed_events_in_the_sockets_profile()
    {
        var alice = await app.UserAsync("alice");
        var bob = await app.UserAsync("bob");
        var id = await alice.GroupAsync(bob);
        await using var first = await bob.OnlineAsync();
        var seen = (await first.DrainAsync()).Select(f => f.Cursor()).Append(0).Max();
        await first.CloseAsync();
        (await alice.PostAsync($"/api/conversations/{id}/messages", new { content = "while you were away" })).Expect(201);

        await using var again = await WsClient.ConnectAsync(app, bob.Token, "/ws?profile=seed-000");
        await again.NextAsync("ready");
        var (ack, replayed) = await again.ExchangeAsync("resume", new { since = seen });
        Assert.True(ack.GetProperty("ok").GetBoolean(), ack.ToString());
        var missed = replayed.Single(f => f.Str("type") == "new_message");
        Assert.Equal("while you were away", missed.Data().GetProperty("message").Str("content"));
        Assert.Equal(id, missed.Data().Str("conversation_id"));
    }

    [Fact]
    public void The_event_hook_is_the_identity_under_parley_and_renames_under_seed_000()
    {
        var payload = Encoding.UTF8.GetBytes("""{"conversationId":"c1","userId":"u1","isTyping":true}""");
        var same = EventShaper.Shape(CompatProfile.Parley, "typing", payload);
        Assert.Equal("typing", same.Name);
        Assert.True(MemoryMarshal.TryGetArray(same.Payload, out var segment) && ReferenceEquals(payload, segment.Array));

        var python = EventShaper.Shape(CompatProfile.Seed000, "message:read", payload);
        Assert.Equal("message_read", python.Name);
        Assert.Equal("""{"conversation_id":"c1","user_id":"u1","is_typing":true}""", Encoding.UTF8.GetString(python.Payload.Span));
        Assert.Equal("new_message", EventShaper.Shape(CompatProfile.Seed000, "message:new", payload).Name);
        Assert.Equal("message:new", EventShaper.Shape(CompatProfile.Seed004, "message:new", payload).Name);
    }

    [Fact]
    public void The_ack_hook_shapes_data_and_errors_for_socket_transports()
    {
        var ok = Encoding.UTF8.GetBytes("""{"ok":true,"data":{"id":"m1","conversationId":"c1","seq":1,"payload":{"id":"x"}}}""");
        Assert.True(MemoryMarshal.TryGetArray(EventShaper.Ack(CompatProfile.Parley, ok), out var same) && ReferenceEquals(ok, same.Array));
        Assert.Equal("""{"ok":true,"data":{"_id":"m1","conversationId":"c1","seq":1,"payload":{"id":"x"}}}""",
            Encoding.UTF8.GetString(EventShaper.Ack(CompatProfile.Seed001, ok).Span));
        Assert.Equal("""{"ok":true,"data":{"message_id":"m1","conversation_id":"c1","seq":1,"payload":{"id":"x"}}}""",
            Encoding.UTF8.GetString(EventShaper.Ack(CompatProfile.Seed004, ok).Span));

        var failed = Encoding.UTF8.GetBytes("""{"ok":false,"error":{"code":"not_found","message":"Conversation not found","status":404,"details":null}}""");
        Assert.Equal("""{"ok":false,"error":"Conversation not found"}""", Encoding.UTF8.GetString(EventShaper.Ack(CompatProfile.Seed001, failed).Span));
        Assert.Equal("""{"ok":false,"error":{"message":"Conversation not found","status":404}}""",
            Encoding.UTF8.GetString(EventShaper.Ack(CompatProfile.Seed004, failed).Span));
    }
}
