using Parley.Tests.Support;

namespace Parley.Tests;

/// <summary>Push:IdleSeconds=1, and one push at a time, so a push that arrives proves none was sent before it.</summary>
public sealed class PushIdleApp : PushApp
{
    protected override IEnumerable<KeyValuePair<string, string>> Settings => [.. base.Settings, new("Push:IdleSeconds", "1")];
}

/// <summary>A live socket nobody uses does not keep its user from being pushed once Push:IdleSeconds have passed.</summary>
public sealed class PushIdleTests(PushIdleApp app) : WithLocalPush, IClassFixture<PushIdleApp>
{
    protected override ErrorLog Errors => app.Errors;

    private static readonly TimeSpan PastIdle = TimeSpan.FromMilliseconds(1100);

    [Fact]
    public async Task A_user_whose_live_socket_idles_past_IdleSeconds_is_pushed_and_an_active_one_is_not()
    {
        var (ann, bob, cat, dan, eve) = (await app.UserAsync("ann"), await app.UserAsync("bob"), await app.UserAsync("cat"),
            await app.UserAsync("dan"), await app.UserAsync("eve"));
        var group = await ann.GroupAsync(bob, cat, dan);
        var fence = await ann.GroupAsync(eve);
        var devices = await SubscribeAsync(bob, cat, dan, eve);
        await using var bobOnline = await bob.OnlineAsync();
        await using var catOnline = await cat.OnlineAsync();
        await using var danOnline = await dan.OnlineAsync();
        await Task.Delay(PastIdle);

        // bob only sends heartbeats, cat makes a socket request, dan a REST call: only bob is idle.
        Assert.True((await bobOnline.RequestAsync("ping")).GetProperty("ok").GetBoolean());
        Assert.True((await catOnline.RequestAsync("typing:start", new { conversationId = group })).GetProperty("ok").GetBoolean());
        (await dan.GetAsync("/api/conversations")).Expect(200);
        var sent = await ann.SendAsync(group, "Anyone still here?");
        var marker = await ann.SendAsync(fence, "fence");

        var pushes = await UntilAsync(marker.Str("id"));
        Assert.Equal([bob.Id, eve.Id], pushes.Select(p => devices[p.Device].Id));
        Assert.Equal(sent.Str("id"), pushes[0].Payload.Str("messageId"));
    }

    [Fact]
    public async Task A_user_active_on_a_socket_is_not_pushed_until_it_idles()
    {
        var (ann, bob) = (await app.UserAsync("ann"), await app.UserAsync("bob"));
        var group = await ann.GroupAsync(bob);
        var devices = await SubscribeAsync(bob);
        await using var bobOnline = await bob.OnlineAsync();

        await ann.SendAsync(group, "while bob's socket just opened");
        await Task.Delay(PastIdle);
        var second = await ann.SendAsync(group, "after bob went quiet");

        // Pushes go in order: the first one to arrive is the second message's, so the first was not pushed.
        var push = await Service.NextAsync();
        Assert.Equal(bob.Id, devices[push.Device].Id);
        Assert.Equal(second.Str("id"), push.Payload.Str("messageId"));
    }

    private async Task<Dictionary<string, TestUser>> SubscribeAsync(params TestUser[] users)
    {
        var devices = new Dictionary<string, TestUser>();
        foreach (var user in users)
        {
            var device = Service.NewDevice();
            devices[device.Name] = user;
            (await user.PostAsync("/api/push/subscriptions", device.Subscription)).Expect(201);
        }
        return devices;
    }

    private async Task<List<ReceivedPush>> UntilAsync(string messageId)
    {
        var pushes = new List<ReceivedPush>();
        while (pushes.Count == 0 || pushes[^1].Payload.Str("messageId") != messageId) pushes.Add(await Service.NextAsync());
        return pushes;
    }
}

/// <summary>Two nodes sharing Push:IdleSeconds=1 through Redis.</summary>
public sealed class PushIdleNodes : IAsyncLifetime
{
    public TwoNodes Nodes { get; } = TwoNodes.With([new("Push:AllowPrivateAddresses", "true"), new("Push:Concurrency", "1"), new("Push:IdleSeconds", "1")]);

    public ValueTask InitializeAsync() => Nodes.InitializeAsync();

    public ValueTask DisposeAsync() => Nodes.DisposeAsync();
}

/// <summary>Activity on one node keeps the user from being pushed by another: the node that took the message decides.</summary>
public sealed class PushIdleAcrossNodesTests(PushIdleNodes fixture) : IClassFixture<PushIdleNodes>, IAsyncLifetime
{
    private LocalPushService _service = null!;

    public async ValueTask InitializeAsync() => _service = await LocalPushService.StartAsync();

    public async ValueTask DisposeAsync() => await _service.DisposeAsync();

    [Fact]
    public async Task A_socket_idle_on_node_B_is_pushed_from_node_A_and_one_active_there_is_not()
    {
        var nodes = fixture.Nodes;
        await nodes.RunningAsync();
        var ann = await TwoNodes.UserAsync(nodes.A, "ann");
        var (bob, cat, eve) = (await TwoNodes.UserAsync(nodes.B, "bob"), await TwoNodes.UserAsync(nodes.B, "cat"), await TwoNodes.UserAsync(nodes.B, "eve"));
        var group = await ann.GroupAsync(bob, cat);
        var fence = await ann.GroupAsync(eve);
        var devices = new Dictionary<string, TestUser>();
        foreach (var user in new[] { bob, cat, eve })
        {
            var device = _service.NewDevice();
            devices[device.Name] = user;
            (await user.PostAsync("/api/push/subscriptions", device.Subscription)).Expect(201);
        }
        await using var bobOnB = await bob.OnlineAsync();
        await using var catOnB = await cat.OnlineAsync();
        await Task.Delay(TimeSpan.FromMilliseconds(1100));

        Assert.True((await bobOnB.RequestAsync("ping")).GetProperty("ok").GetBoolean());
        Assert.True((await catOnB.RequestAsync("typing:start", new { conversationId = group })).GetProperty("ok").GetBoolean());
        await ann.SendAsync(group, "from node A");
        var marker = await ann.SendAsync(fence, "fence");

        var pushes = new List<ReceivedPush>();
        while (pushes.Count == 0 || pushes[^1].Payload.Str("messageId") != marker.Str("id")) pushes.Add(await _service.NextAsync());
        Assert.True(pushes.Select(p => devices[p.Device].Id).SequenceEqual([bob.Id, eve.Id]), nodes.Logs);
    }
}
