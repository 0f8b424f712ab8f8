using Parley.Tests.Support;

namespace Parley.Tests;

public sealed class StatusTests(ParleyApp app) : IClassFixture<ParleyApp>
{
    [Fact]
    public async Task Status_is_set_for_oneself_only_and_validated()
    {
        var (alice, bob) = (await app.UserAsync("alice"), await app.UserAsync("bob"));
        await alice.DirectWithAsync(bob); // presence is for people who share a conversation

        var busy = (await alice.PutAsync("/api/status", new { userId = alice.Id, status = "Busy" })).Expect(200);
        Assert.Equal(alice.Id, busy.Str("userId"));
        Assert.Equal("busy", busy.Str("status"));
        Assert.Equal("busy", (await bob.GetAsync($"/api/status/{alice.Id}")).Expect(200).Str("status"));
        Assert.Equal("busy", (await bob.GetAsync($"/api/users/{alice.Id}")).Expect(200).Str("status"));

        var custom = new string('c', 100);
        Assert.Equal(custom, (await alice.PutAsync("/api/status", new { status = custom })).Expect(200).Str("status"));
        Assert.Equal("playing", (await alice.PutAsync("/api/status", new { user_id = alice.Id, status = "playing" })).Expect(200).Str("status"));

        (await alice.PutAsync("/api/status", new { userId = bob.Id, status = "away" })).ExpectError(403, "forbidden");
        (await alice.PutAsync("/api/status", new { status = "" })).ExpectError(400, "validation_failed");
        (await alice.PutAsync("/api/status", new { })).ExpectError(400, "validation_failed");
        (await alice.PutAsync("/api/status", new { status = new string('x', 101) })).ExpectError(400, "validation_failed");
        (await alice.PutAsync("/api/status", new { status = 5 })).ExpectError(400);
        Assert.Equal("playing", (await bob.GetAsync($"/api/status/{alice.Id}")).Expect(200).Str("status"));

        (await alice.GetAsync($"/api/status/{Guid.CreateVersion7()}")).ExpectError(404, "not_found");
        (await alice.GetAsync("/api/status/nobody")).ExpectError(400, "validation_failed");

        // "online" hands presence back to the sockets: alice has none, so she is offline.
        var automatic = (await alice.PutAsync("/api/status", new { status = "online" })).Expect(200);
        Assert.Equal("offline", automatic.Str("status"));
        Assert.False(automatic.GetProperty("online").GetBoolean());
    }

    [Fact]
    public async Task Invisible_users_look_offline_to_others_but_not_to_themselves()
    {
        var (alice, bob) = (await app.UserAsync("alice"), await app.UserAsync("bob"));
        await alice.GroupAsync(bob);
        await using var aliceSocket = await alice.OnlineAsync();
        await using var bobSocket = await bob.OnlineAsync();
        Assert.Equal("online", (await aliceSocket.EventAsync("presence", bob.Id, "userId")).Data().Str("status"));

        (await bob.PutAsync("/api/status", new { status = "invisible" })).Expect(200);
        Assert.Equal("offline", (await aliceSocket.EventAsync("presence", bob.Id, "userId")).Data().Str("status"));
        var seenByAlice = (await alice.GetAsync($"/api/status/{bob.Id}")).Expect(200);
        Assert.Equal("offline", seenByAlice.Str("status"));
        Assert.False(seenByAlice.GetProperty("online").GetBoolean());
        var seenByBob = (await bob.GetAsync($"/api/status/{bob.Id}")).Expect(200);
        Assert.Equal("invisible", seenByBob.Str("status"));
        Assert.True(seenByBob.GetProperty("online").GetBoolean());
        Assert.Equal("offline", (await alice.GetAsync($"/api/users/{bob.Id}")).Expect(200).Str("status"));

        (await bob.PutAsync("/api/status", new { status = "online" })).Expect(200);
        Assert.Equal("online", (await aliceSocket.EventAsync("presence", bob.Id, "userId")).Data().Str("status"));
        Assert.Equal("online", (await alice.GetAsync($"/api/status/{bob.Id}")).Expect(200).Str("status"));
    }

    [Fact]
    public async Task Presence_set_on_the_socket_works_like_put_status_and_reaches_co_members_only()
    {
        var (alice, bob, carol) = (await app.UserAsync("alice"), await app.UserAsync("bob"), await app.UserAsync("carol"));
        await alice.GroupAsync(bob);
        await using var aliceSocket = await alice.OnlineAsync();
        await using var carolSocket = await carol.OnlineAsync();
        await using var bobSocket = await bob.OnlineAsync();
        await aliceSocket.EventAsync("presence", bob.Id, "userId");

        var ack = await bobSocket.RequestAsync("presence:set", new { status = "away" });
        Assert.True(ack.GetProperty("ok").GetBoolean());
        Assert.Equal("away", ack.Data().Str("status"));
        var away = (await aliceSocket.EventAsync("presence", bob.Id, "userId")).Data();
        Assert.Equal("away", away.Str("status"));
        Assert.DoesNotContain(await carolSocket.DrainAsync(), f => f.Type() == "presence");
        // Bob's own change is not echoed to him (alice coming online may still reach him: her socket opened first).
        Assert.DoesNotContain(await bobSocket.DrainAsync(), f => f.Type() == "presence" && f.Data().Str("userId") == bob.Id);

        var refused = await bobSocket.RequestAsync("presence:set", new { userId = alice.Id, status = "away" });
        Assert.Equal(403, refused.GetProperty("error").GetProperty("status").GetInt32());
    }
}
