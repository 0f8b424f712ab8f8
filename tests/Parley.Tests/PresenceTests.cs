using Parley.Tests.Support;

namespace Parley.Tests;

public sealed class PresenceApp : ParleyApp
{
    protected override IEnumerable<KeyValuePair<string, string>> Settings => [new("Presence:OfflineGrace", "00:00:01")];
}

public sealed class PresenceTests(PresenceApp app) : IClassFixture<PresenceApp>
{
    [Fact]
    public async Task Online_with_the_first_socket_and_offline_after_the_grace_reach_only_co_members()
    {
        var (alice, bob, carol) = (await app.UserAsync("alice"), await app.UserAsync("bob"), await app.UserAsync("carol"));
        await alice.GroupAsync(bob);
        await using var aliceSocket = await alice.OnlineAsync();
        await using var carolSocket = await carol.OnlineAsync();

        var bobSocket = await bob.OnlineAsync();
        var online = (await aliceSocket.EventAsync("presence", bob.Id, "userId")).Data();
        Assert.Equal("online", online.Str("status"));
        Assert.Equal(System.Text.Json.JsonValueKind.Null, online.GetProperty("conversationId").ValueKind);
        Assert.DoesNotContain(await carolSocket.DrainAsync(), f => f.Type() == "presence");
        var status = (await alice.GetAsync($"/api/status/{bob.Id}")).Expect(200);
        Assert.Equal("online", status.Str("status"));
        Assert.True(status.GetProperty("online").GetBoolean());

        await bobSocket.CloseAsync();
        await bobSocket.DisposeAsync();
        var offline = (await aliceSocket.EventAsync("presence", bob.Id, "userId")).Data();
        Assert.Equal("offline", offline.Str("status"));
        Assert.NotNull(offline.GetProperty("lastSeenAt").GetString());
        status = (await alice.GetAsync($"/api/status/{bob.Id}")).Expect(200);
        Assert.Equal("offline", status.Str("status"));
        Assert.False(status.GetProperty("online").GetBoolean());
        Assert.Equal(offline.Str("lastSeenAt"), status.Str("lastSeenAt"));
        Assert.Equal(offline.Str("lastSeenAt"), (await alice.GetAsync($"/api/users/{bob.Id}")).Expect(200).Str("lastSeenAt"));
        Assert.DoesNotContain(await carolSocket.DrainAsync(), f => f.Type() == "presence");
    }

    [Fact]
    public async Task A_second_device_or_a_quick_reconnect_keeps_the_user_online()
    {
        var (alice, bob) = (await app.UserAsync("alice"), await app.UserAsync("bob"));
        await alice.GroupAsync(bob);
        await using var aliceSocket = await alice.OnlineAsync();

        var phone = await bob.OnlineAsync();
        await using var laptop = await bob.OnlineAsync();
        Assert.Equal("online", (await aliceSocket.EventAsync("presence", bob.Id, "userId")).Data().Str("status"));

        // One device closing, and another socket dropping and coming straight back, are not "offline".
        await phone.CloseAsync();
        await phone.DisposeAsync();
        var flaky = await bob.OnlineAsync();
        flaky.Abort();
        await flaky.DisposeAsync();
        await using var back = await bob.OnlineAsync();
        await Task.Delay(TimeSpan.FromSeconds(2.5)); // past the grace period
        Assert.DoesNotContain(await aliceSocket.DrainAsync(), f => f.Type() == "presence");
        Assert.Equal("online", (await alice.GetAsync($"/api/status/{bob.Id}")).Expect(200).Str("status"));
    }
}
