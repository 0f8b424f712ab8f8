using Microsoft.Playwright;
using Parley.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace Parley.Tests;

/// <summary>
/// Files and link previews in the web client, in real Chromium with two users: the attach button, drag and drop,
/// a pasted image, upload progress, thumbnails that open full size, file cards and preview cards.
/// </summary>
public sealed class BrowserAttachmentTests(PreviewApp app, Chromium chromium) : IClassFixture<PreviewApp>, IClassFixture<Chromium>
{
    [Fact]
    public async Task Two_users_share_photos_files_and_links()
    {
        var aliceUser = await app.UserAsync("alice");
        var bobUser = await app.UserAsync("bob");
        await aliceUser.DirectWithAsync(bobUser);
        var alice = await chromium.OpenAsync(app.BaseAddress, Chromium.Desktop, "alice");
        await alice.LoginAsync(aliceUser.Username, "correct-horse");
        var bob = await chromium.OpenAsync(app.BaseAddress, Chromium.Phone, "bob");
        await bob.LoginAsync(bobUser.Username, "correct-horse");
        await alice.OpenConversationAsync("bob");
        await bob.OpenConversationAsync("alice");

        // The attach button's file picker: the file uploads at once (progress, then "ready") and goes with the text.
        await alice.Page.Locator("#file-input").SetInputFilesAsync(new FilePayload
        {
            Name = "harbour.jpg", MimeType = "image/jpeg", Buffer = TestImages.Jpeg(1200, 800),
        });
        var tray = alice.Page.Locator("#upload-tray");
        await Expect(tray.Locator(".upload-item")).ToContainTextAsync("harbour.jpg");
        await Expect(tray.Locator(".upload-state")).ToContainTextAsync("ready");
        await alice.Composer.FillAsync("The harbour this morning");
        await alice.Composer.PressAsync("Enter");
        await Expect(tray).ToBeHiddenAsync();

        // Bob sees the thumbnail (loaded through its signed URL) and opens it full size.
        var photo = bob.Message("The harbour this morning").Locator(".attachment-image img");
        await Expect(photo).ToBeVisibleAsync();
        await Expect(photo).ToHaveJSPropertyAsync("naturalWidth", 320);
        await photo.ClickAsync();
        var viewer = bob.Page.GetByRole(AriaRole.Dialog, new() { Name = "harbour.jpg" });
        await Expect(viewer.Locator("img.full-image")).ToHaveJSPropertyAsync("naturalWidth", 1200);
        await bob.ScreenshotBothSizesAsync("attachment-viewer");
        await bob.Page.Keyboard.PressAsync("Escape");
        await Expect(viewer).ToHaveCountAsync(0);

        // Drag and drop a document onto the conversation; sent with no text it is a file card.
        await alice.Page.EvaluateAsync("""
            () => {
              const data = new DataTransfer();
              data.items.add(new File(['Agenda: ship attachments\n'], 'agenda.txt', { type: 'text/plain' }));
              const zone = document.querySelector('.conversation-body');
              zone.dispatchEvent(new DragEvent('dragover', { dataTransfer: data, bubbles: true, cancelable: true }));
              zone.dispatchEvent(new DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true }));
            }
            """);
        await Expect(tray.Locator(".upload-state")).ToContainTextAsync("ready");
        await alice.Composer.PressAsync("Enter");
        var card = bob.MessageList.Locator(".file-card", new() { HasText = "agenda.txt" });
        await Expect(card).ToContainTextAsync("25 bytes");
        await Expect(card).ToHaveAttributeAsync("download", "agenda.txt");

        // Paste an image into the composer.
        var pasted = Convert.ToBase64String(TestImages.Png(90, 60));
        await alice.Page.EvaluateAsync("""
            bytes => {
              const raw = Uint8Array.from(atob(bytes), c => c.charCodeAt(0));
              const data = new DataTransfer();
              data.items.add(new File([raw], 'clipboard.png', { type: 'image/png' }));
              document.querySelector('#composer-input').dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
            }
            """, pasted);
        await Expect(tray.Locator(".upload-state")).ToContainTextAsync("ready");
        await alice.Composer.FillAsync("Pasted from my clipboard");
        await alice.Composer.PressAsync("Enter");
        await Expect(bob.Message("Pasted from my clipboard").Locator(".attachment-image img")).ToHaveJSPropertyAsync("naturalWidth", 90);

        // A link gets its preview card on both sides once the server has fetched it.
        await alice.SendAsync($"Release notes: {app.Pages.Url("/page")}");
        var preview = bob.Message("Release notes").Locator(".preview-card");
        await Expect(preview.Locator(".preview-title")).ToHaveTextAsync("Parley launch notes");
        await Expect(preview.Locator(".preview-site")).ToHaveTextAsync("Parley Blog");
        await Expect(alice.Message("Release notes").Locator(".preview-card")).ToHaveCountAsync(1);
        await alice.ScreenshotBothSizesAsync("attachments");
        ChatWindow.AssertNoScriptErrors(alice, bob);
    }
}
