using Microsoft.Playwright;
using Parley.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace Parley.Tests;

/// <summary>Reactions, pins and "mark unread" in the web client: two users in two Chromium windows see each other's changes live.</summary>
public sealed class BrowserMarksTests(ParleyApp app, Chromium chromium) : IClassFixture<ParleyApp>, IClassFixture<Chromium>
{
    [Fact]
    public async Task Two_users_react_pin_and_mark_unread_live()
    {
        var (aliceUser, bobUser) = (await app.UserAsync("alice"), await app.UserAsync("bob"));
        var id = await aliceUser.DirectWithAsync(bobUser);
        await aliceUser.SendAsync(id, "Standup moved to 10:00");
        await aliceUser.SendAsync(id, "Bring the slides");
        var alice = await SignInAsync(aliceUser);
        var bob = await SignInAsync(bobUser);
        await alice.OpenConversationAsync("bob");
        await bob.OpenConversationAsync("alice");

        // Bob reacts from the picker; Alice sees the chip live and adds hers by clicking it.
        var standup = bob.Message("Standup moved to 10:00");
        await standup.HoverAsync();
        await standup.GetByRole(AriaRole.Button, new() { Name = "Add reaction" }).ClickAsync();
        await Expect(bob.Page.GetByRole(AriaRole.Menu, new() { Name = "Pick a reaction" })).ToBeVisibleAsync();
        await bob.Page.GetByRole(AriaRole.Menuitem, new() { Name = "React with 👍" }).ClickAsync();
        await Expect(standup.Locator(".reaction")).ToHaveTextAsync("👍1");
        await Expect(standup.Locator(".reaction")).ToHaveAttributeAsync("aria-pressed", "true");
        var aliceChip = alice.Message("Standup moved to 10:00").Locator(".reaction").First;
        await Expect(aliceChip).ToHaveTextAsync("👍1");
        await Expect(aliceChip).ToHaveAttributeAsync("aria-pressed", "false");
        await aliceChip.ClickAsync();
        await Expect(aliceChip).ToHaveTextAsync("👍2");
        await Expect(standup.Locator(".reaction")).ToHaveTextAsync("👍2");
        // Keyboard: the picker opens with focus on the first emoji, arrows move, Enter picks.
        await standup.GetByRole(AriaRole.Button, new() { Name = "Add reaction" }).FocusAsync();
        await bob.Page.Keyboard.PressAsync("Enter");
        await bob.Page.Keyboard.PressAsync("ArrowRight");
        await bob.Page.Keyboard.PressAsync("ArrowRight");
        await bob.Page.Keyboard.PressAsync("Enter");
        await Expect(alice.Message("Standup moved to 10:00").Locator(".reaction")).ToHaveCountAsync(2);
        await Expect(alice.Message("Standup moved to 10:00").Locator(".reaction").Nth(1)).ToHaveTextAsync("😂1");
        // Bob takes his thumbs up back.
        await standup.Locator(".reaction").First.ClickAsync();
        await Expect(aliceChip).ToHaveTextAsync("👍1");

        // Alice pins a message; Bob's pin list shows it live, and it jumps to the message.
        var slides = alice.Message("Bring the slides");
        await slides.HoverAsync();
        await slides.GetByRole(AriaRole.Button, new() { Name = "Pin message" }).ClickAsync();
        await Expect(slides.Locator(".pinned-badge")).ToHaveTextAsync("Pinned");
        await Expect(bob.Message("Bring the slides").Locator(".pinned-badge")).ToHaveTextAsync("Pinned");
        await bob.Page.GetByRole(AriaRole.Button, new() { Name = "Pins" }).ClickAsync();
        var pins = bob.Page.GetByRole(AriaRole.List, new() { Name = "Pinned messages" });
        await Expect(pins.Locator("li.pin")).ToHaveCountAsync(1);
        await Expect(pins).ToContainTextAsync("Bring the slides");
        await Expect(pins).ToContainTextAsync("pinned by");
        await alice.Message("Standup moved to 10:00").HoverAsync();
        await alice.Message("Standup moved to 10:00").GetByRole(AriaRole.Button, new() { Name = "Pin message" }).ClickAsync();
        await Expect(pins.Locator("li.pin")).ToHaveCountAsync(2);
        await Expect(pins.Locator("li.pin").First).ToContainTextAsync("Standup moved to 10:00");
        await bob.ScreenshotBothSizesAsync("pins");
        await pins.Locator("li.pin").Nth(1).GetByRole(AriaRole.Button, new() { Name = "Show in conversation" }).ClickAsync();
        await Expect(bob.Message("Bring the slides")).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("highlight"));
        await pins.Locator("li.pin").First.GetByRole(AriaRole.Button, new() { Name = "Unpin message" }).ClickAsync();
        await Expect(alice.Message("Standup moved to 10:00").Locator(".pinned-badge")).ToHaveCountAsync(0);
        await bob.Page.Keyboard.PressAsync("Escape");

        // Bob marks Alice's first message unread: his badge shows 2, also in a second window of his, and stays while he is here.
        var bobElsewhere = await SignInAsync(bobUser);
        var link = bobElsewhere.ConversationLink("alice");
        await Expect(link.Locator(".unread-badge")).ToHaveCountAsync(0);
        await standup.HoverAsync();
        await standup.GetByRole(AriaRole.Button, new() { Name = "Mark unread" }).ClickAsync();
        await Expect(bob.ConversationLink("alice").Locator(".unread-badge")).ToHaveTextAsync("2");
        await Expect(link.Locator(".unread-badge")).ToHaveTextAsync("2");
        await alice.Message("Standup moved to 10:00").HoverAsync();
        await alice.ScreenshotBothSizesAsync("reactions");
        ChatWindow.AssertNoScriptErrors(alice, bob, bobElsewhere);
    }

    private async Task<ChatWindow> SignInAsync(TestUser user)
    {
        var window = await chromium.OpenAsync(app.BaseAddress, Chromium.Desktop, user.Username);
        await window.LoginAsync(user.Username, "correct-horse");
        return window;
    }
}
