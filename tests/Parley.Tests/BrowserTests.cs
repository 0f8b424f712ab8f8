using Microsoft.Playwright;
using Parley.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace Parley.Tests;

/// <summary>
/// The web client in real headless Chromium against a real server: two users in two browser windows chat live.
/// The screenshots of the main screens land in tests/Parley.Tests/screenshots/ at 1280×800 and 390×844.
/// </summary>
public sealed class BrowserTests(ParleyApp app, Chromium chromium) : IClassFixture<ParleyApp>, IClassFixture<Chromium>
{
    private const string Password = "correct-horse";

    [Fact]
    public async Task Two_users_chat_live_with_typing_read_receipts_edits_and_deletes()
    {
        var alice = await chromium.OpenAsync(app.BaseAddress, Chromium.Desktop, "alice");
        await Expect(alice.Page.GetByRole(AriaRole.Heading, new() { Name = "Sign in" })).ToBeVisibleAsync();
        await alice.ScreenshotBothSizesAsync("login");
        var aliceName = $"alice_{Guid.NewGuid().ToString("N")[..6]}";
        await alice.RegisterAsync(aliceName, Password, "Alice Liddell");

        var bobUser = await app.UserAsync("bob");
        var bob = await SignInAsync(bobUser, Chromium.Phone);

        // Alice finds Bob and starts a direct chat; the composer has focus, Enter sends.
        await alice.Page.GetByRole(AriaRole.Button, new() { Name = "New chat" }).ClickAsync();
        await alice.Page.GetByLabel("Find people").FillAsync(bobUser.Username);
        await alice.Page.GetByRole(AriaRole.Button, new() { Name = "Message bob" }).ClickAsync();
        await Expect(alice.Composer).ToBeFocusedAsync();
        await alice.SendAsync("Hello Bob, are you there?");

        // Bob's list shows it live with an unread badge and the last message.
        var link = bob.ConversationLink("Alice Liddell");
        await Expect(link).ToContainTextAsync("Hello Bob, are you there?");
        await Expect(link.Locator(".unread-badge")).ToHaveTextAsync("1");
        await bob.ScreenshotBothSizesAsync("conversations");
        await bob.OpenConversationAsync("Alice Liddell");
        await Expect(bob.Message("Hello Bob, are you there?")).ToHaveCountAsync(1);
        await Expect(link.Locator(".unread-badge")).ToHaveCountAsync(0);

        // Bob opened it: Alice sees "Seen" under her last message.
        await Expect(alice.Message("Hello Bob, are you there?").Locator(".seen-by")).ToHaveTextAsync("Seen");

        // Bob types: Alice sees the typing indicator; Bob sends and it arrives.
        await bob.Composer.PressSequentiallyAsync("Yes, here");
        await Expect(alice.Page.Locator("#typing-indicator")).ToHaveTextAsync("bob is typing…");
        await bob.Composer.PressAsync("Enter");
        await Expect(alice.Message("Yes, here")).ToHaveCountAsync(1);
        await Expect(alice.Page.Locator("#typing-indicator")).ToHaveTextAsync("");

        // Alice edits her message: Bob sees the new text, marked edited.
        await alice.SendAsync("Lunch at noon?");
        await Expect(bob.Message("Lunch at noon?")).ToHaveCountAsync(1);
        var lunch = alice.Message("Lunch at noon?");
        await lunch.HoverAsync();
        await lunch.GetByRole(AriaRole.Button, new() { Name = "Edit message" }).ClickAsync();
        var editBox = alice.Page.GetByRole(AriaRole.Textbox, new() { Name = "Edit message" });
        await editBox.FillAsync("Lunch at one?");
        await editBox.PressAsync("Enter");
        await Expect(bob.Message("Lunch at one?")).ToContainTextAsync("(edited)");
        await Expect(bob.Message("Lunch at noon?")).ToHaveCountAsync(0);

        // Alice deletes a message: Bob sees it deleted in place.
        await alice.SendAsync("Wrong window, sorry");
        await Expect(bob.Message("Wrong window, sorry")).ToHaveCountAsync(1);
        await alice.Message("Wrong window, sorry").HoverAsync();
        await alice.Message("Wrong window, sorry").GetByRole(AriaRole.Button, new() { Name = "Delete message" }).ClickAsync();
        await alice.Page.GetByRole(AriaRole.Dialog).GetByRole(AriaRole.Button, new() { Name = "Delete" }).ClickAsync();
        await Expect(bob.Message("Wrong window, sorry")).ToHaveCountAsync(0);
        await Expect(bob.Message("This message was deleted")).ToHaveCountAsync(1);

        // Nothing doubled on either side, and Bob's latest read reaches Alice's "seen" line.
        await Expect(bob.MessageList.Locator("li.message")).ToHaveCountAsync(4);
        await Expect(alice.MessageList.Locator("li.message")).ToHaveCountAsync(4);
        await Expect(alice.Message("This message was deleted").Locator(".seen-by")).ToHaveTextAsync("Seen");
        await alice.Message("Lunch at one?").HoverAsync();
        await alice.ScreenshotBothSizesAsync("conversation");
        ChatWindow.AssertNoScriptErrors(alice, bob);
    }

    [Fact]
    public async Task Groups_and_channels_with_members_roles_and_live_notifications()
    {
        var bobUser = await app.UserAsync("bob");
        var carolUser = await app.UserAsync("carol");
        var alice = await SignInAsync(await app.UserAsync("alice"), Chromium.Desktop);
        var bob = await SignInAsync(bobUser, Chromium.Phone);

        // Alice creates a group with Bob from the dialog (keyboard: Enter in the search adds the first match).
        await alice.Page.GetByRole(AriaRole.Button, new() { Name = "New group" }).ClickAsync();
        var dialog = alice.Page.GetByRole(AriaRole.Dialog, new() { Name = "New group" });
        await dialog.GetByLabel("Group name").FillAsync("Launch crew");
        await dialog.GetByLabel("Add people").FillAsync(bobUser.Username);
        await Expect(dialog.GetByRole(AriaRole.Button, new() { Name = "Add bob" })).ToBeVisibleAsync();
        await dialog.GetByLabel("Add people").PressAsync("Enter");
        await Expect(dialog.GetByRole(AriaRole.List, new() { Name = "Chosen members" })).ToContainTextAsync("bob");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Create group" }).ClickAsync();
        await Expect(alice.Page.Locator("#conversation-title")).ToHaveTextAsync("Launch crew");
        await alice.SendAsync("Welcome aboard");

        // Bob gets the notification live and the group appears in his list.
        var bell = bob.Page.Locator("#notifications-button");
        await Expect(bell).ToHaveAttributeAsync("aria-label", "Notifications, 1 unread");
        await Expect(bob.ConversationLink("Launch crew")).ToContainTextAsync("Welcome aboard");

        // Alice makes Bob an admin from the details panel: Bob is told, and his role shows.
        await alice.Page.GetByRole(AriaRole.Button, new() { Name = "Details" }).ClickAsync();
        var panel = alice.Page.GetByRole(AriaRole.Complementary, new() { Name = "Details" });
        await panel.GetByLabel("Role of bob", new() { Exact = false }).SelectOptionAsync("ADMIN");
        await Expect(panel.Locator(".member", new() { HasText = bobUser.Username }).Locator(".role")).ToHaveTextAsync("Admin");
        await Expect(bell).ToHaveAttributeAsync("aria-label", "Notifications, 2 unread");
        await alice.ScreenshotBothSizesAsync("details");
        // Escape closes the panel and gives focus back to the button that opened it.
        await alice.Page.Keyboard.PressAsync("Escape");
        await Expect(panel).ToBeHiddenAsync();
        await Expect(alice.Page.GetByRole(AriaRole.Button, new() { Name = "Details" })).ToBeFocusedAsync();

        // Bob opens the notifications panel and jumps to the group from a notification.
        await bell.ClickAsync();
        var notifications = bob.Page.GetByRole(AriaRole.Complementary, new() { Name = "Notifications" });
        await Expect(notifications.Locator(".notification.unread")).ToHaveCountAsync(2);
        await bob.ScreenshotBothSizesAsync("notifications");
        await notifications.GetByRole(AriaRole.Button, new() { Name = "You were added to \"Launch crew\"" }).ClickAsync();
        await Expect(bob.Page.Locator("#conversation-title")).ToHaveTextAsync("Launch crew");
        await Expect(bob.Message("Welcome aboard")).ToHaveCountAsync(1);

        // A channel: Bob reads, only the owner and admins post.
        await alice.Page.GetByRole(AriaRole.Button, new() { Name = "New channel" }).ClickAsync();
        var channelDialog = alice.Page.GetByRole(AriaRole.Dialog, new() { Name = "New channel" });
        await channelDialog.GetByLabel("Channel name").FillAsync("Announcements");
        await channelDialog.GetByLabel("Add people").FillAsync(bobUser.Username);
        await channelDialog.GetByRole(AriaRole.Button, new() { Name = "Add bob" }).ClickAsync();
        await channelDialog.GetByRole(AriaRole.Button, new() { Name = "Create channel" }).ClickAsync();
        await alice.SendAsync("Release on Friday");
        await bob.Page.GetByRole(AriaRole.Link, new() { Name = "Back to conversations" }).ClickAsync();
        await bob.OpenConversationAsync("Announcements");
        await Expect(bob.Message("Release on Friday")).ToHaveCountAsync(1);
        await Expect(bob.Composer).ToBeHiddenAsync();
        await Expect(bob.Page.GetByText("Only the owner and admins post in this channel.")).ToBeVisibleAsync();

        // Alice removes Bob from the group: it leaves his list live.
        await alice.OpenConversationAsync("Launch crew");
        await alice.Page.GetByRole(AriaRole.Button, new() { Name = "Details" }).ClickAsync();
        await panel.GetByRole(AriaRole.Button, new() { Name = "Remove bob", Exact = false }).ClickAsync();
        await alice.Page.GetByRole(AriaRole.Dialog).GetByRole(AriaRole.Button, new() { Name = "Remove" }).ClickAsync();
        await Expect(panel.Locator(".member")).ToHaveCountAsync(1);
        await Expect(bob.ConversationLink("Launch crew")).ToHaveCountAsync(0);

        // ...and adds Carol from the same panel.
        await panel.GetByLabel("Add people").FillAsync(carolUser.Username);
        await panel.GetByRole(AriaRole.Button, new() { Name = "Add carol" }).ClickAsync();
        await Expect(panel.Locator(".member", new() { HasText = carolUser.Username })).ToContainTextAsync("Member");
        await Expect(panel.GetByRole(AriaRole.Heading, new() { Name = "Members (2)" })).ToBeVisibleAsync();

        // Bob leaves the channel himself.
        await bob.Page.GetByRole(AriaRole.Button, new() { Name = "Details" }).ClickAsync();
        await bob.Page.GetByRole(AriaRole.Button, new() { Name = "Leave channel" }).ClickAsync();
        await bob.Page.GetByRole(AriaRole.Dialog).GetByRole(AriaRole.Button, new() { Name = "Leave" }).ClickAsync();
        await Expect(bob.ConversationLink("Announcements")).ToHaveCountAsync(0);

        // Alice deletes the channel for everyone (the details panel stays open and follows the conversation).
        await alice.OpenConversationAsync("Announcements");
        await Expect(panel.Locator(".details-title")).ToHaveTextAsync("Announcements");
        await Expect(panel.GetByRole(AriaRole.Heading, new() { Name = "Members (1)" })).ToBeVisibleAsync();
        await panel.GetByRole(AriaRole.Button, new() { Name = "Delete channel" }).ClickAsync();
        await alice.Page.GetByRole(AriaRole.Dialog).GetByRole(AriaRole.Button, new() { Name = "Delete" }).ClickAsync();
        await Expect(alice.ConversationLink("Announcements")).ToHaveCountAsync(0);
        ChatWindow.AssertNoScriptErrors(alice, bob);
    }

    [Fact]
    public async Task History_scrolls_back_to_the_first_message_and_shows_every_message_type()
    {
        var aliceUser = await app.UserAsync("alice");
        var bobUser = await app.UserAsync("bob");
        var conversation = (await aliceUser.PostAsync("/api/conversations", new { type = "direct", participantId = bobUser.Id })).Expect(201).Str("id");
        for (var i = 1; i <= 95; i++)
            (await aliceUser.PostAsync($"/api/conversations/{conversation}/messages", new { content = $"History line {i:D3}" })).Expect(201);
        await Send(new { type = "file", content = "Quarterly report", fileUrl = "https://files.example.com/q3.pdf" });
        await Send(new { type = "task", content = "Water the plants", payload = new { assignee = "bob", due = "Friday" } });
        await Send(new { type = "splitMoney", payload = new { total = 42.5, currency = "EUR" } });
        await Send(new { type = "note", content = "Remember the milk" });

        var bob = await SignInAsync(bobUser, Chromium.Desktop);
        await bob.OpenConversationAsync("alice");

        // Typed messages show sensibly: a file link, a card with the payload.
        var report = bob.Message("Quarterly report").GetByRole(AriaRole.Link, new() { Name = "Quarterly report" });
        await Expect(report).ToHaveAttributeAsync("href", "https://files.example.com/q3.pdf");
        var task = bob.Message("Water the plants");
        await Expect(task.Locator(".card-type")).ToHaveTextAsync("Task");
        await Expect(task.Locator("dd").First).ToHaveTextAsync("bob");
        await Expect(bob.MessageList.Locator(".card-splitMoney dd").First).ToHaveTextAsync("42.5");

        // The newest page first; scrolling up loads older pages until the very first message.
        Assert.True(await bob.MessageList.Locator("li.message").CountAsync() < 99);
        var scroller = bob.Page.Locator("#messages");
        for (var i = 0; i < 20 && await bob.Page.Locator("#history-start").CountAsync() == 0; i++)
        {
            await scroller.EvaluateAsync("el => el.scrollTop = 0");
            await bob.Page.WaitForTimeoutAsync(200);
        }
        await Expect(bob.Page.Locator("#history-start")).ToHaveTextAsync("This is the start of the conversation.");
        await Expect(bob.MessageList.Locator("li.message")).ToHaveCountAsync(99);
        var texts = await bob.MessageList.Locator("li.message .text").AllTextContentsAsync();
        Assert.Equal("History line 001", texts[0]);
        Assert.Equal(texts.Count, texts.Distinct().Count());
        await scroller.EvaluateAsync("el => el.scrollTop = el.scrollHeight");
        await bob.ScreenshotBothSizesAsync("message-types");
        ChatWindow.AssertNoScriptErrors(bob);

        async Task Send(object body) => (await aliceUser.PostAsync($"/api/conversations/{conversation}/messages", body)).Expect(201);
    }

    private async Task<ChatWindow> SignInAsync(TestUser user, (int Width, int Height) size)
    {
        var window = await chromium.OpenAsync(app.BaseAddress, size, user.Username);
        await window.LoginAsync(user.Username, Password);
        return window;
    }
}
