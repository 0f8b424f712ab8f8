using Parley.Tests.Support;

namespace Parley.Tests;

/// <summary>Default address rules (no Webhooks:AllowPrivateAddresses), and a webhook disabled after a run of failures.</summary>
public sealed class WebhookGuardApp : ParleyApp
{
    protected override IEnumerable<KeyValuePair<string, string>> Settings =>
    [
        new("Webhooks:DisableAfterFailures", "2"),
        new("Webhooks:RetryBaseDelay", "00:00:00.100"),
    ];
}

public sealed class WebhookGuardTests(WebhookGuardApp app) : IClassFixture<WebhookGuardApp>
{
    [Fact]
    public async Task A_loopback_receiver_is_refused_like_a_link_preview_and_the_failures_disable_the_webhook_and_say_so()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var admin = await app.UserAsync("founder");
        var bob = await app.UserAsync("bob");
        var group = await admin.GroupAsync(bob);
        await using var socket = await admin.OnlineAsync();
        var hook = (await admin.PostAsync("/api/admin/webhooks", new { url = receiver.Url, events = new[] { "*" } })).Expect(201);
        Assert.Contains(hook.Str("id"), (await admin.GetAsync("/api/admin/webhooks")).Expect(200).EnumerateArray().Select(w => w.Str("id")));

        await bob.SendAsync(group, "hello");
        var disabled = (await socket.NextAsync("webhook:disabled")).Data();
        Assert.Equal(hook.Str("id"), disabled.Str("webhookId"));
        Assert.Empty(receiver.Calls);
        var state = (await admin.GetAsync($"/api/admin/webhooks/{hook.Str("id")}")).Expect(200);
        Assert.False(state.GetProperty("enabled").GetBoolean());
        var delivery = (await admin.GetAsync($"/api/admin/webhooks/{hook.Str("id")}/deliveries")).Expect(200).EnumerateArray().Last();
        Assert.Equal("pending", delivery.Str("status"));
        Assert.Contains("may not reach", delivery.Str("error"));
        Assert.Equal(System.Text.Json.JsonValueKind.Null, delivery.GetProperty("responseCode").ValueKind);

        (await admin.PutAsync($"/api/admin/webhooks/{hook.Str("id")}", new { })).ExpectError(400);
        Assert.True((await admin.PutAsync($"/api/admin/webhooks/{hook.Str("id")}", new { enabled = true })).Expect(200).GetProperty("enabled").GetBoolean());
    }
}
