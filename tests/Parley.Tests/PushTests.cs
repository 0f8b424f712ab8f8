using Dapper;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Logging;
using Parley.Server.Data;
using Parley.Tests.Support;

namespace Parley.Tests;

/// <summary>Pushes go through one queue in order here, so a push that arrives proves none was sent before it.</summary>
public class PushApp : ParleyApp
{
    public ErrorLog Errors { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureLogging(logging => logging.AddProvider(Errors));
    }

    protected override IEnumerable<KeyValuePair<string, string>> Settings =>
        [new("Push:AllowPrivateAddresses", "true"), new("Push:Concurrency", "1")];
}

/// <summary>Web Push through a real local push service that verifies VAPID and decrypts every push.</summary>
public sealed class PushTests(PushApp app) : WithLocalPush, IClassFixture<PushApp>
{
    protected override ErrorLog Errors => app.Errors;

    [Fact]
    public async Task A_member_without_a_socket_gets_an_encrypted_signed_push()
    {
        var (ann, bob) = (await app.UserAsync("ann"), await app.UserAsync("bob"));
        var group = await ann.GroupAsync(bob);
        var key = (await bob.GetAsync("/api/push/key")).Expect(200).Str("publicKey");
        Assert.Equal(65, WebEncoders.Base64UrlDecode(key).Length);
        var device = Service.NewDevice();
        (await bob.PostAsync("/api/push/subscriptions", device.Subscription)).Expect(201);

        var sent = await ann.SendAsync(group, $"Lunch at noon? @{bob.Username}");

        var push = await Service.NextAsync();
        Assert.Equal(device.Name, push.Device);
        Assert.Equal(key, push.VapidKey);
        Assert.True(push.Ttl > 0);
        Assert.Equal("high", push.Urgency);
        Assert.Equal(group, push.Payload.Str("conversationId"));
        Assert.Equal(sent.Str("id"), push.Payload.Str("messageId"));
        Assert.Equal(ann.Id, push.Payload.Str("senderId"));
        Assert.Equal($"Lunch at noon? @{bob.Username}", push.Payload.Str("body"));
        Assert.True(push.Payload.GetProperty("mention").GetBoolean());
        Assert.Contains("mentioned you", push.Payload.Str("title"));
    }

    [Fact]
    public async Task Nobody_with_a_live_socket_who_muted_or_who_blocked_the_sender_is_pushed()
    {
        var (ann, bob, cat, dan, eve) = (await app.UserAsync("ann"), await app.UserAsync("bob"), await app.UserAsync("cat"),
            await app.UserAsync("dan"), await app.UserAsync("eve"));
        var group = await ann.GroupAsync(bob, cat, dan, eve);
        var devices = new Dictionary<string, TestUser>();
        foreach (var user in new[] { bob, cat, dan, eve })
        {
            var device = Service.NewDevice();
            devices[device.Name] = user;
            (await user.PostAsync("/api/push/subscriptions", device.Subscription)).Expect(201);
        }
        await using var bobOnline = await bob.OnlineAsync();
        await ExecuteAsync($"UPDATE members SET muted = {True} WHERE conversation_id = @group AND user_id = @user", new { group, user = cat.Id });
        await ExecuteAsync("INSERT INTO user_blocks (blocker_id, blocked_id, created_at) VALUES (@blocker, @blocked, 0)", new { blocker = dan.Id, blocked = ann.Id });

        await ann.SendAsync(group, "first");
        var fence = await eve.SendAsync(group, "second");

        var pushes = new List<ReceivedPush>();
        while (pushes.Count == 0 || pushes[^1].Payload.Str("messageId") != fence.Str("id")) pushes.Add(await Service.NextAsync());
        // "first" reaches eve alone (bob is online, cat muted, dan blocked ann); "second", by eve, reaches dan, who blocked only ann.
        Assert.Equal([eve.Id, dan.Id], pushes.Select(p => devices[p.Device].Id));
    }

    [Fact]
    public async Task A_subscription_the_pushService_calls_gone_is_deleted()
    {
        var (ann, bob, cat) = (await app.UserAsync("ann"), await app.UserAsync("bob"), await app.UserAsync("cat"));
        var group = await ann.GroupAsync(bob, cat);
        var revoked = Service.NewDevice();
        revoked.Gone = true;
        (await bob.PostAsync("/api/push/subscriptions", revoked.Subscription)).Expect(201);
        var direct = await ann.GroupAsync(cat);
        var fence = Service.NewDevice();
        (await cat.PostAsync("/api/push/subscriptions", fence.Subscription)).Expect(201);

        await ann.SendAsync(group, "to bob's revoked browser");
        await Service.NextAsync(); // cat's push of the group message
        var marker = await ann.SendAsync(direct, "fence");
        while ((await Service.NextAsync()).Payload.Str("messageId") != marker.Str("id")) { }

        var left = (await bob.GetAsync("/api/push/subscriptions")).Expect(200);
        Assert.Equal(0, left.GetArrayLength());
    }

    [Fact]
    public async Task Subscriptions_are_checked_listed_and_removed_by_their_owner_only()
    {
        var (ann, bob) = (await app.UserAsync("ann"), await app.UserAsync("bob"));
        var device = Service.NewDevice();
        (await ann.PostAsync("/api/push/subscriptions", new { endpoint = device.Endpoint, keys = new { p256dh = "AAAA", auth = "AAAA" } }))
            .ExpectError(400, "validation_failed");
        (await ann.PostAsync("/api/push/subscriptions", new { endpoint = "ftp://example.com/x", keys = new { } })).ExpectError(400, "validation_failed");
        var first = await ann.PostAsync("/api/push/subscriptions", device.Subscription);
        Assert.True(first.Code == 201, string.Join("\n", app.Errors.Lines));
        (await ann.PostAsync("/api/push/subscriptions", device.Subscription)).Expect(201);
        var mine = (await ann.GetAsync("/api/push/subscriptions")).Expect(200);
        Assert.Equal(device.Endpoint, Assert.Single(mine.EnumerateArray()).Str("endpoint"));

        (await bob.DeleteAsync($"/api/push/subscriptions?endpoint={Uri.EscapeDataString(device.Endpoint)}")).ExpectError(404, "not_found");
        (await ann.DeleteAsync("/api/push/subscriptions", new { endpoint = device.Endpoint })).Expect(200);
        Assert.Equal(0, (await ann.GetAsync("/api/push/subscriptions")).Expect(200).GetArrayLength());
    }

    private static string True => ParleyApp.TestDialect == Dialect.Sqlite ? "1" : "TRUE";

    private async Task ExecuteAsync(string sql, object parameters)
    {
        await using var connection = await app.Db.OpenAsync();
        await connection.ExecuteAsync(sql, parameters);
    }
}

/// <summary>A real local push service for each test, and no error logged by the server meanwhile.</summary>
public abstract class WithLocalPush : IAsyncLifetime
{
    protected LocalPushService Service { get; private set; } = null!;

    protected abstract ErrorLog Errors { get; }

    public async ValueTask InitializeAsync() => Service = await LocalPushService.StartAsync();

    public async ValueTask DisposeAsync()
    {
        await Service.DisposeAsync();
        Assert.Empty(Errors.Lines);
    }
}

/// <summary>Without Push:AllowPrivateAddresses, a subscription must name an https endpoint.</summary>
public sealed class PushEndpointTests(ParleyApp app) : IClassFixture<ParleyApp>
{
    [Fact]
    public async Task A_plain_http_endpoint_is_refused()
    {
        var ann = await app.UserAsync("ann");
        var key = WebEncoders.Base64UrlEncode([0x04, .. new byte[64]]);
        var auth = WebEncoders.Base64UrlEncode(new byte[16]);
        var refused = await ann.PostAsync("/api/push/subscriptions", new { endpoint = "http://127.0.0.1:9/push", keys = new { p256dh = key, auth } });
        refused.ExpectError(400, "validation_failed");
        Assert.Contains("https", refused.Error.GetProperty("details").GetProperty("endpoint")[0].GetString());
    }
}
