using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using Parley.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace Parley.Tests;

/// <summary>
/// The web client keeps a chat going through a network drop and a server restart (same port, same data folder):
/// it reconnects by itself, resumes from its cursor, and shows every message exactly once.
/// </summary>
public sealed class BrowserRestartTests(ServerProcess server, Chromium chromium) : IClassFixture<ServerProcess>, IClassFixture<Chromium>
{
    [Fact]
    public async Task Chat_continues_after_a_network_drop_and_a_server_restart_with_nothing_missed_or_doubled()
    {
        var (_, aliceName, aliceToken) = await RegisterAsync("alice");
        var (_, bobName, _) = await RegisterAsync("bob");
        var alice = await chromium.OpenAsync(server.BaseAddress, Chromium.Desktop, "alice");
        await alice.LoginAsync(aliceName, "correct-horse");
        var bob = await chromium.OpenAsync(server.BaseAddress, Chromium.Phone, "bob");
        await bob.LoginAsync(bobName, "correct-horse");

        await alice.Page.GetByRole(AriaRole.Button, new() { Name = "New chat" }).ClickAsync();
        await alice.Page.GetByLabel("Find people").FillAsync(bobName);
        await alice.Page.GetByLabel("Find people").PressAsync("Enter");
        await alice.SendAsync("Before anything breaks");
        await bob.OpenConversationAsync("alice");
        await Expect(bob.Message("Before anything breaks")).ToHaveCountAsync(1);

        // Bob's network drops; Alice keeps talking; Bob comes back and gets it, once.
        await bob.Context.SetOfflineAsync(true);
        await Expect(bob.Connection).Not.ToHaveTextAsync("Live");
        await alice.SendAsync("Sent while you were offline");
        await alice.Message("Before anything breaks").HoverAsync();
        await alice.Message("Before anything breaks").GetByRole(AriaRole.Button, new() { Name = "Edit message" }).ClickAsync();
        await alice.Page.GetByRole(AriaRole.Textbox, new() { Name = "Edit message" }).FillAsync("Before anything broke");
        await alice.Page.GetByRole(AriaRole.Textbox, new() { Name = "Edit message" }).PressAsync("Enter");
        await bob.Context.SetOfflineAsync(false);
        await Expect(bob.Connection).ToHaveTextAsync("Live");
        await Expect(bob.Message("Sent while you were offline")).ToHaveCountAsync(1);
        await Expect(bob.Message("Before anything broke")).ToContainTextAsync("(edited)");

        // The server dies and comes back on the same port with the same data.
        await server.KillAsync();
        await Expect(alice.Connection).Not.ToHaveTextAsync("Live");
        await Expect(bob.Page.Locator(".offline-banner")).ToContainTextAsync("Reconnecting");
        // Bob writes while the server is down: the send fails, stays on screen, and goes out by itself later.
        await bob.Composer.FillAsync("Typed while the server was down");
        await bob.Composer.PressAsync("Enter");
        await Expect(bob.Message("Typed while the server was down").Locator(".send-state")).ToContainTextAsync("Not sent");
        await server.StartAsync();
        // A message sent the moment the server is back, before the browsers have necessarily reconnected.
        var conversationId = await bob.Page.EvaluateAsync<string>("() => decodeURIComponent(location.hash.slice(4))");
        using (var http = server.Http(aliceToken))
            (await http.PostAsJsonAsync($"/api/conversations/{conversationId}/messages", new { content = "Right after the restart" })).EnsureSuccessStatusCode();
        await Expect(alice.Connection).ToHaveTextAsync("Live");
        await Expect(bob.Connection).ToHaveTextAsync("Live");
        await Expect(bob.Message("Right after the restart")).ToHaveCountAsync(1);
        await Expect(alice.Message("Right after the restart")).ToHaveCountAsync(1);
        await Expect(alice.Message("Typed while the server was down")).ToHaveCountAsync(1);
        await Expect(bob.Message("Typed while the server was down").Locator(".send-state")).ToHaveCountAsync(0);
        await Expect(bob.Page.Locator(".offline-banner")).ToBeHiddenAsync();

        // And the chat simply goes on, live, both ways.
        await bob.SendAsync("Still here after the restart");
        await Expect(alice.Message("Still here after the restart")).ToHaveCountAsync(1);
        await alice.SendAsync("Me too");
        await Expect(bob.Message("Me too")).ToHaveCountAsync(1);

        foreach (var window in new[] { alice, bob })
        {
            // Each message once, in the server's order (the two sent around the restart may come in either order).
            var texts = await window.MessageList.Locator("li.message .text").AllTextContentsAsync();
            Assert.Equal(["Before anything broke", "Sent while you were offline"], texts.Take(2));
            Assert.Equal(["Right after the restart", "Typed while the server was down"], texts.Skip(2).Take(2).Order());
            Assert.Equal(["Still here after the restart", "Me too"], texts.Skip(4));
            var seqs = await window.MessageList.Locator("li.message").EvaluateAllAsync<long[]>("items => items.map(li => Number(li.dataset.seq))");
            Assert.Equal(seqs.Order(), seqs);
        }

        // A reload keeps the session and the open conversation (#/c/<id>), with the same history.
        await bob.Page.ReloadAsync();
        await Expect(bob.Page.Locator("#conversation-title")).ToHaveTextAsync("alice");
        await Expect(bob.MessageList.Locator("li.message")).ToHaveCountAsync(6);
        await Expect(bob.Connection).ToHaveTextAsync("Live");
        ChatWindow.AssertNoScriptErrors(alice, bob);
    }

    private async Task<(string Id, string Username, string Token)> RegisterAsync(string name)
    {
        var username = $"{name}_{Guid.NewGuid().ToString("N")[..6]}";
        using var http = server.Http();
        var response = await http.PostAsJsonAsync("/api/auth/register", new { username, password = "correct-horse", name });
        response.EnsureSuccessStatusCode();
        var data = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("data");
        return (data.GetProperty("user").GetProperty("id").GetString()!, username, data.GetProperty("token").GetString()!);
    }
}
