using Microsoft.Playwright;
using Parley.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace Parley.Tests;

/// <summary>Threads and search in the web client: two users in real Chromium windows.</summary>
public sealed class ThreadsBrowserTests(ParleyApp app, Chromium chromium) : IClassFixture<ParleyApp>, IClassFixture<Chromium>
{
    private async Task<ChatWindow> SignInAsync(TestUser user)
    {
        var window = await chromium.OpenAsync(app.BaseAddress, Chromium.Desktop, user.Username);
        await window.LoginAsync(user.Username, "correct-horse");
        return window;
    }

    [Fact]
    public async Task Replies_in_a_thread_pane_arrive_live_and_search_opens_the_conversation_at_the_message()
    {
        var aliceUser = await app.UserAsync("alice");
        var bobUser = await app.UserAsync("bob");
        var group = (await aliceUser.PostAsync("/api/conversations", new { type = "group", name = "Harbour crew", participantIds = new[] { bobUser.Id } }))
            .Expect(201).Str("id");
        var old = await aliceUser.SendAsync(group, "The lighthouse keeper retires in spring");
        for (var i = 0; i < 45; i++) await bobUser.SendAsync(group, $"filler {i}");
        var alice = await SignInAsync(aliceUser);
        var bob = await SignInAsync(bobUser);
        await alice.OpenConversationAsync("Harbour crew");
        await bob.OpenConversationAsync("Harbour crew");

        // Alice asks; Bob answers in a thread beside the conversation.
        await alice.SendAsync("Who brings the boat?");
        var question = bob.Message("Who brings the boat?");
        await question.HoverAsync();
        await question.GetByRole(AriaRole.Button, new() { Name = "Reply in thread" }).ClickAsync();
        await Expect(bob.Page.Locator("#thread-root")).ToContainTextAsync("Who brings the boat?");
        await bob.Page.Locator("#thread-input").FillAsync("I will, at nine");
        await bob.Page.Locator("#thread-input").PressAsync("Enter");
        await Expect(bob.Page.Locator("#thread-replies")).ToContainTextAsync("I will, at nine");

        // Alice sees the reply count under her message, not the reply in the timeline; she opens the thread.
        var link = alice.Message("Who brings the boat?").Locator(".thread-link");
        await Expect(link).ToHaveTextAsync("1 reply");
        await Expect(alice.Message("I will, at nine")).ToHaveCountAsync(0);
        await link.ClickAsync();
        await Expect(alice.Page.Locator("#thread-replies")).ToContainTextAsync("I will, at nine");
        await alice.Page.Locator("#thread-input").FillAsync("Thanks, telling everyone");
        await alice.Page.Locator("#thread-also").CheckAsync();
        await alice.Page.Locator("#thread-send").ClickAsync();
        // Also sent to the conversation: both timelines show it, and Bob's open pane gets it live.
        await Expect(bob.Page.Locator("#thread-replies")).ToContainTextAsync("Thanks, telling everyone");
        await Expect(bob.Message("Thanks, telling everyone")).ToHaveCountAsync(1);
        await Expect(bob.Page.Locator("#thread-count")).ToHaveTextAsync("2 replies");
        await bob.ScreenshotBothSizesAsync("thread");

        // Search: Bob looks for an old message; the hit opens the conversation scrolled to it, highlighted.
        await bob.Page.Locator("#search-input").FillAsync("lighthouse");
        await bob.Page.Locator("#search-input").PressAsync("Enter");
        var hit = bob.Page.Locator("#search-results .search-hit").First;
        await Expect(hit).ToContainTextAsync("Harbour crew");
        await Expect(hit.Locator("mark")).ToHaveTextAsync("lighthouse");
        await bob.ScreenshotBothSizesAsync("search");
        await hit.ClickAsync();
        var target = bob.Page.Locator($"#message-list li[data-id='{old.Str("id")}']");
        await Expect(target).ToBeInViewportAsync();
        await Expect(target).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("flash"));

        // A reply that lives only in the thread opens the thread pane at it.
        await bob.Page.Locator("#search-input").FillAsync("nine");
        await bob.Page.Locator("#search-input").PressAsync("Enter");
        await Expect(bob.Page.Locator("#search-results .search-hit").First).ToContainTextAsync("in a thread");
        await bob.Page.Locator("#search-results .search-hit").First.ClickAsync();
        await Expect(bob.Page.Locator("#thread-replies li.flash")).ToContainTextAsync("I will, at nine");
        ChatWindow.AssertNoScriptErrors(alice, bob);
    }
}
