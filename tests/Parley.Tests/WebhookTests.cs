using Parley.Tests.Support;

namespace Parley.Tests;

/// <summary>A server process with fast webhook retries, killed and started again by the test, on the run's dialect (and Redis bus).</summary>
public sealed class WebhookServer : IAsyncLifetime
{
    private readonly string? _database = ParleyApp.TestDialect == Parley.Server.Data.Dialect.Postgres ? $"parley_hooks_{Guid.NewGuid():N}" : null;

    public ServerProcess Server { get; }

    public WebhookServer()
    {
        var settings = new Dictionary<string, string>
        {
            ["Webhooks:AllowPrivateAddresses"] = "true",
            ["Webhooks:RetryBaseDelay"] = "00:00:00.500",
            // A killed node's lease runs out this fast, so the restarted one takes over within the test.
            ["Webhooks:LeaseDuration"] = "00:00:03",
            ["Webhooks:PollInterval"] = "00:00:01",
        };
        if (_database is not null) settings["ConnectionStrings:Postgres"] = ParleyApp.PostgresConnectionString(_database);
        if (ParleyApp.TestBusIsRedis)
        {
            settings["Redis:Connection"] = ParleyApp.TestRedis!;
            settings["Redis:Channel"] = $"parley:test:{Guid.NewGuid():N}";
        }
        Server = new ServerProcess { Settings = settings };
    }

    public async ValueTask InitializeAsync()
    {
        if (_database is not null) await ParleyApp.AdminAsync($"CREATE DATABASE {_database}");
        await Server.StartAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await Server.DisposeAsync();
        if (_database is not null) await ParleyApp.AdminAsync($"DROP DATABASE IF EXISTS {_database} WITH (FORCE)");
    }
}

/// <summary>Outgoing webhooks end to end: a real receiver, a crash in the middle, retries, signatures, the deliveries log.</summary>
public sealed class WebhookTests(WebhookServer fixture) : IClassFixture<WebhookServer>
{
    private ServerProcess Server => fixture.Server;

    [Fact]
    public async Task Each_subscribed_event_arrives_once_signed_in_order_across_a_crash_and_a_receiver_that_fails_three_times_first()
    {
        await using var receiver = await WebhookReceiver.StartAsync(failFirst: 3);
        var admin = await TestUser.RegisterAsync(Server, $"founder_{Guid.NewGuid().ToString("N")[..8]}");
        var (alice, bob) = (await TestUser.RegisterAsync(Server, $"alice_{Guid.NewGuid().ToString("N")[..8]}"),
            await TestUser.RegisterAsync(Server, $"bob_{Guid.NewGuid().ToString("N")[..8]}"));
        var watched = await alice.GroupAsync(bob);
        var other = await alice.GroupAsync("group", bob);

        (await admin.PostAsync("/api/admin/webhooks", new { url = "ftp://x", events = new[] { "message:new" } })).ExpectError(400);
        (await admin.PostAsync("/api/admin/webhooks", new { url = receiver.Url, events = Array.Empty<string>() })).ExpectError(400);
        (await alice.PostAsync("/api/admin/webhooks", new { url = receiver.Url, events = new[] { "message:new" } })).ExpectError(404);
        var hook = (await admin.PostAsync("/api/admin/webhooks",
            new { url = receiver.Url, events = new[] { "message:new" }, conversationIds = new[] { watched } })).Expect(201);
        var secret = hook.Str("secret");
        Assert.StartsWith("whsec_", secret);
        Assert.False((await admin.GetAsync($"/api/admin/webhooks/{hook.Str("id")}")).Expect(200).TryGetProperty("secret", out var hidden) && hidden.ValueKind != System.Text.Json.JsonValueKind.Null);

        var first = await alice.SendAsync(watched, "one");
        await bob.SendAsync(other, "not watched");
        (await bob.PostAsync($"/api/conversations/{watched}/read", new { })).Expect(200);
        var second = await bob.SendAsync(watched, "two");
        await receiver.UntilAsync(calls => calls.Count >= 3);

        // The third failure has just been answered; the next retry is 2 s away. The server dies now, with deliveries pending.
        await Server.KillAsync();
        await Server.StartAsync();
        var third = await alice.SendAsync(watched, "three");
        await receiver.UntilAsync(calls => calls.Count(c => c.Answered == 200) >= 3, TimeSpan.FromSeconds(60));

        var deliveries = await SettledAsync(admin, hook.Str("id"), 3);
        var accepted = receiver.Accepted;
        Assert.Equal([first.Str("id"), second.Str("id"), third.Str("id")],
            accepted.Select(c => c.Json.GetProperty("data").GetProperty("message").Str("id")));
        Assert.All(receiver.Calls, c => Assert.True(c.SignedWith(secret), $"bad signature {c.Signature}"));
        Assert.All(accepted, c => Assert.Equal("message:new", c.Json.Str("type")));
        Assert.Equal(accepted.Select(c => c.Cursor).Order(), accepted.Select(c => c.Cursor));
        Assert.Equal(4, deliveries[^1].GetProperty("attempts").GetInt32());
        Assert.All(deliveries, d => Assert.Equal("succeeded", d.Str("status")));
        Assert.All(deliveries, d => Assert.Equal(200, d.GetProperty("responseCode").GetInt32()));

        // Redelivering one sends the same body again, signed afresh.
        var oldest = deliveries[^1].Str("id");
        (await admin.PostAsync($"/api/admin/webhooks/{hook.Str("id")}/deliveries/{oldest}/redeliver")).Expect(201);
        await receiver.UntilAsync(calls => calls.Count(c => c.Answered == 200) >= 4);
        Assert.Equal(accepted[0].Body, receiver.Accepted[3].Body);
        (await admin.PostAsync($"/api/admin/webhooks/{hook.Str("id")}/deliveries/{Guid.NewGuid()}/redeliver")).ExpectError(404);

        (await admin.DeleteAsync($"/api/admin/webhooks/{hook.Str("id")}")).Expect(200);
        (await admin.GetAsync($"/api/admin/webhooks/{hook.Str("id")}")).ExpectError(404);
    }

    /// <summary>The webhook's deliveries once none is pending any more (newest first).</summary>
    private static async Task<List<System.Text.Json.JsonElement>> SettledAsync(TestUser admin, string hookId, int count)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var rows = (await admin.GetAsync($"/api/admin/webhooks/{hookId}/deliveries")).Expect(200).EnumerateArray().ToList();
            if (rows.Count >= count && rows.All(r => r.Str("status") != "pending") || DateTime.UtcNow > deadline) return rows;
            await Task.Delay(100);
        }
    }
}
