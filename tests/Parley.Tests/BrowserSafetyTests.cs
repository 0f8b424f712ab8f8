using Microsoft.Playwright;
using Parley.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace Parley.Tests;

/// <summary>Block, mute, report, moderator controls and the admin page in the web client.</summary>
public sealed class BrowserSafetyTests(AdminApp app, Chromium chromium) : IClassFixture<AdminApp>, IClassFixture<Chromium>
{
    private async Task<ChatWindow> SignInAsync(TestUser user)
    {
        var window = await chromium.OpenAsync(app.BaseAddress, Chromium.Desktop, user.Username);
        await window.LoginAsync(user.Username, "correct-horse");
        return window;
    }

    private static Task ConfirmAsync(ChatWindow window) => window.Page.Locator("dialog.dialog button[value=ok]").ClickAsync();

    [Fact]
    public async Task A_user_mutes_blocks_unblocks_and_reports_from_the_client()
    {
        var (annUser, bobUser) = (await app.UserAsync("ann"), await app.UserAsync("bob"));
        var id = await annUser.DirectWithAsync(bobUser);
        await bobUser.SendAsync(id, "cheap watches here");
        var ann = await SignInAsync(annUser);
        await ann.OpenConversationAsync("bob");
        await ann.Page.Locator("#details-button").ClickAsync();

        await ann.Page.Locator("#mute-conversation").ClickAsync();
        await Expect(ann.Page.Locator("#mute-state")).ToHaveTextAsync("Muted");
        await Expect(ann.ConversationLink("bob").Locator(".muted-mark")).ToBeVisibleAsync();
        Assert.True((await annUser.GetAsync($"/api/conversations/{id}")).Expect(200).GetProperty("muted").GetBoolean());
        await ann.Page.Locator("#mute-conversation").ClickAsync();
        await Expect(ann.Page.Locator("#mute-state")).ToHaveTextAsync("Notifications on");

        await ann.Page.GetByRole(AriaRole.Button, new() { Name = "Block bob", Exact = true }).ClickAsync();
        await ConfirmAsync(ann);
        await Expect(ann.Page.GetByRole(AriaRole.Button, new() { Name = "Unblock bob", Exact = true })).ToBeVisibleAsync();
        Assert.Equal([bobUser.Id], (await annUser.GetAsync("/api/users/blocked")).Expect(200).Ids());
        await ann.Page.GetByRole(AriaRole.Button, new() { Name = "Unblock bob", Exact = true }).ClickAsync();
        await Expect(ann.Page.GetByRole(AriaRole.Button, new() { Name = "Block bob", Exact = true })).ToBeVisibleAsync();
        Assert.Empty((await annUser.GetAsync("/api/users/blocked")).Expect(200).EnumerateArray());

        var message = ann.Message("cheap watches here");
        await message.HoverAsync();
        await message.GetByRole(AriaRole.Button, new() { Name = "Report message" }).ClickAsync();
        await ann.Page.Locator("#report-reason").SelectOptionAsync("spam");
        await ann.Page.Locator("#report-details").FillAsync("a scam");
        await ann.Page.Locator("#send-report").ClickAsync();
        await Expect(ann.Page.Locator(".report-dialog")).ToHaveCountAsync(0);
        await ann.Page.GetByRole(AriaRole.Button, new() { Name = "Report bob" }).ClickAsync();
        await ann.Page.Locator("#report-reason").SelectOptionAsync("harassment");
        await ann.Page.Locator("#send-report").ClickAsync();
        await Expect(ann.Page.Locator(".report-dialog")).ToHaveCountAsync(0);
        var reports = await WaitForAsync(async () => (await annUser.GetAsync("/api/reports")).Expect(200).EnumerateArray().ToList(), r => r.Count == 2);
        Assert.Contains(reports, r => r.Str("reason") == "spam" && r.Str("details") == "a scam");
        Assert.Contains(reports, r => r.Str("reason") == "harassment" && r.GetProperty("messageId").ValueKind == System.Text.Json.JsonValueKind.Null);
        ChatWindow.AssertNoScriptErrors(ann);
    }

    [Fact]
    public async Task A_moderator_sets_slow_mode_times_out_and_bans_and_an_admin_works_the_queue()
    {
        var (owner, bob) = (await app.UserAsync("owner"), await app.UserAsync("bob"));
        var group = (await owner.PostAsync("/api/conversations", new { type = "group", name = "Harbour crew", participantIds = new[] { bob.Id } })).Expect(201).Str("id");
        var ownerWindow = await SignInAsync(owner);
        await ownerWindow.OpenConversationAsync("Harbour crew");
        await ownerWindow.Page.Locator("#details-button").ClickAsync();
        await ownerWindow.Page.Locator("#slow-mode").SelectOptionAsync("30");
        await WaitForAsync(async () => (await owner.GetAsync($"/api/conversations/{group}")).Expect(200).GetProperty("slowModeSeconds").GetInt32(), s => s == 30);
        await ownerWindow.Page.GetByRole(AriaRole.Button, new() { Name = "Time out bob" }).ClickAsync();
        await WaitForAsync(async () => (await bob.PostAsync($"/api/conversations/{group}/messages", new { content = "hi" })).ErrorCode, c => c == "timed_out");

        var message = await owner.SendAsync(group, "offensive words");
        // Bob reports the owner's message; the server's first account (an administrator) works the queue.
        (await bob.PostAsync("/api/reports", new { messageId = message.Str("id"), reason = "hate" })).Expect(201);
        var admin = await SignInAsync(app.Founder);
        await admin.Page.Locator("#admin-button").ClickAsync();
        var page = admin.Page.Locator("#admin-page");
        var report = page.Locator(".admin-report", new() { HasText = "offensive words" });
        await Expect(report).ToHaveCountAsync(1);
        await report.GetByRole(AriaRole.Button, new() { Name = "Delete message" }).ClickAsync();
        await Expect(report).ToHaveCountAsync(0);
        Assert.True((await owner.HistoryAsync(group)).Single(m => m.Str("id") == message.Str("id")).GetProperty("deleted").GetBoolean());
        await page.Locator("#admin-tab-users").ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = $"Suspend {bob.Username}" }).ClickAsync();
        await ConfirmAsync(admin);
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = $"Lift suspension of {bob.Username}" })).ToBeVisibleAsync();
        (await bob.GetAsync("/api/users/me")).ExpectError(401);
        await page.Locator("#admin-tab-audit").ClickAsync();
        await Expect(page.Locator(".audit-log")).ToContainTextAsync("report.handled");
        await Expect(page.Locator(".audit-log")).ToContainTextAsync("user.suspended");
        await admin.ScreenshotBothSizesAsync("admin");

        await ownerWindow.Page.GetByRole(AriaRole.Button, new() { Name = "Ban bob" }).ClickAsync();
        await ConfirmAsync(ownerWindow);
        await WaitForAsync(async () => (await owner.GetAsync($"/api/conversations/{group}/bans")).Expect(200).GetArrayLength(), n => n == 1);
        ChatWindow.AssertNoScriptErrors(ownerWindow, admin);
    }

    /// <summary>Polls the API until the change the click started has landed (the click itself has no completion to await).</summary>
    private static async Task<T> WaitForAsync<T>(Func<Task<T>> read, Func<T, bool> done)
    {
        for (var i = 0; ; i++)
        {
            var value = await read();
            if (done(value) || i == 100) return done(value) ? value : throw new Xunit.Sdk.XunitException($"never reached: {value}");
            await Task.Delay(50);
        }
    }
}
