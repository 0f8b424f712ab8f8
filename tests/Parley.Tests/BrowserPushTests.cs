using System.Text.Json;
using Parley.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace Parley.Tests;

/// <summary>
/// The web client's side of Web Push: the service worker is registered once signed in and turns a push into a
/// notification that opens the conversation. Headless Chromium has no push service to subscribe through, so the push
/// is handed to the worker as the browser would hand it one; the server's side is PushTests, with a real push service.
/// </summary>
public sealed class BrowserPushTests(ParleyApp app, Chromium chromium) : IClassFixture<ParleyApp>, IClassFixture<Chromium>
{
    [Fact]
    public async Task The_service_worker_shows_a_push_as_a_notification()
    {
        var user = await app.UserAsync("pia");
        var window = await chromium.OpenAsync(app.BaseAddress, Chromium.Desktop, user.Username);
        await window.Context.GrantPermissionsAsync(["notifications"]);
        await window.LoginAsync(user.Username, "correct-horse");

        await Expect(window.Page.Locator("#push-toggle")).ToHaveTextAsync("Notifications off");
        var script = await window.Page.EvaluateAsync<string>("async () => (await navigator.serviceWorker.ready).active.scriptURL");
        Assert.EndsWith("/sw.js", script);
        // The push service's delivery, through the DevTools protocol (what Chromium's own push service client calls).
        var cdp = await window.Context.NewCDPSessionAsync(window.Page);
        var registration = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        cdp.Event("ServiceWorker.workerRegistrationUpdated").OnEvent += (_, e) =>
        {
            foreach (var r in e!.Value.GetProperty("registrations").EnumerateArray())
                if (!r.GetProperty("isDeleted").GetBoolean()) registration.TrySetResult(r.Str("registrationId"));
        };
        await cdp.SendAsync("ServiceWorker.enable");
        var payload = JsonSerializer.Serialize(new { type = "message", conversationId = "c-1", title = "ann in Plans", body = "Lunch at noon?", url = "/#/c/c-1" });
        await cdp.SendAsync("ServiceWorker.deliverPushMessage", new()
        {
            ["origin"] = app.BaseAddress.GetLeftPart(UriPartial.Authority), ["registrationId"] = await registration.Task.WaitAsync(TimeSpan.FromSeconds(20)),
            ["data"] = payload,
        });

        var shown = await window.Page.EvaluateAsync<JsonElement>(
            """
            async () => {
              const registration = await navigator.serviceWorker.ready;
              for (let i = 0; i < 200; i++) {
                const shown = await registration.getNotifications();
                if (shown.length) return shown.map(n => ({ title: n.title, body: n.body, tag: n.tag, url: n.data.url }));
                await new Promise(resolve => setTimeout(resolve, 50));
              }
              return [];
            }
            """);
        var notification = Assert.Single(shown.EnumerateArray());
        Assert.Equal("ann in Plans", notification.Str("title"));
        Assert.Equal("Lunch at noon?", notification.Str("body"));
        Assert.Equal("c-1", notification.Str("tag"));
        Assert.Equal("/#/c/c-1", notification.Str("url"));
        ChatWindow.AssertNoScriptErrors(window);
    }
}
