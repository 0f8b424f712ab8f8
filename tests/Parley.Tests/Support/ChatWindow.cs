using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Parley.Tests.Support;

/// <summary>One user's browser window on the web client, driven the way a person uses it: labels, buttons, keys.</summary>
public sealed class ChatWindow
{
    private readonly List<string> _errors = [];
    private readonly IPage page;

    public ChatWindow(string name, IBrowserContext context, IPage page, Uri server)
    {
        Name = name;
        Context = context;
        this.page = page;
        page.PageError += (_, error) => _errors.Add(error);
        // Works offline: nothing may come from another host (no CDN, no web fonts).
        page.Request += (_, request) =>
        {
            if (!request.Url.StartsWith(server.GetLeftPart(UriPartial.Authority)) && !request.Url.StartsWith("data:"))
                _errors.Add($"request to another host: {request.Url}");
        };
    }

    public string Name { get; }
    public IPage Page => page;
    public IBrowserContext Context { get; }

    /// <summary>Uncaught script errors in this window, and requests that left the server.</summary>
    public IReadOnlyList<string> Errors => _errors;

    public static void AssertNoScriptErrors(params ChatWindow[] windows)
    {
        foreach (var window in windows) Assert.True(window.Errors.Count == 0, $"{window.Name}: {string.Join("; ", window.Errors)}");
    }

    public ILocator Composer => page.Locator("#composer-input");
    public ILocator MessageList => page.Locator("#message-list");
    public ILocator Connection => page.Locator(".connection");

    /// <summary>The message items whose text contains <paramref name="text"/>.</summary>
    public ILocator Message(string text) => MessageList.Locator("li.message", new() { HasText = text });

    public ILocator ConversationLink(string title) => page.Locator("#conversation-list a.conversation-link", new() { HasText = title });

    public async Task RegisterAsync(string username, string password, string displayName)
    {
        await page.GetByRole(AriaRole.Button, new() { Name = "Create an account" }).ClickAsync();
        await page.GetByLabel("Username", new() { Exact = true }).FillAsync(username);
        await page.GetByLabel("Password").FillAsync(password);
        await page.GetByLabel("Display name (optional)").FillAsync(displayName);
        await page.GetByRole(AriaRole.Button, new() { Name = "Create account" }).ClickAsync();
        await SignedInAsync();
    }

    public async Task LoginAsync(string username, string password)
    {
        await page.GetByLabel("Username or email").FillAsync(username);
        await page.GetByLabel("Password").FillAsync(password);
        await page.GetByLabel("Password").PressAsync("Enter");
        await SignedInAsync();
    }

    private async Task SignedInAsync()
    {
        await Expect(page.GetByRole(AriaRole.Complementary, new() { Name = "Conversations" })).ToBeVisibleAsync();
        await Expect(Connection).ToHaveTextAsync("Live");
    }

    public async Task OpenConversationAsync(string title)
    {
        // The list re-renders on live events; a click whose press and release land on two renderings opens nothing, so
        // it is tried again, as a person would.
        for (var attempt = 1; attempt < 3; attempt++)
        {
            await ConversationLink(title).ClickAsync();
            try
            {
                await Expect(page.Locator("#conversation-title")).ToHaveTextAsync(title, new() { Timeout = 5000 });
                return;
            }
            catch (PlaywrightException) { }
        }
        await ConversationLink(title).ClickAsync();
        await Expect(page.Locator("#conversation-title")).ToHaveTextAsync(title);
    }

    /// <summary>Types into the composer and presses Enter, as a person sends.</summary>
    public async Task SendAsync(string text)
    {
        await Composer.FillAsync(text);
        await Composer.PressAsync("Enter");
        // The message must show up first: "no pending marker" alone also holds for a message that never appeared.
        await Expect(Message(text)).ToHaveCountAsync(1);
        await Expect(Message(text).Locator(".send-state")).ToHaveCountAsync(0);
    }

    /// <summary>Saves the current screen at desktop and phone size under tests/Parley.Tests/screenshots/.</summary>
    public async Task ScreenshotBothSizesAsync(string screen)
    {
        var original = page.ViewportSize!;
        foreach (var (width, height) in new[] { Chromium.Desktop, Chromium.Phone })
        {
            await page.SetViewportSizeAsync(width, height);
            await page.WaitForTimeoutAsync(150);
            await page.ScreenshotAsync(new() { Path = Screenshots.PathFor($"{screen}-{width}x{height}.png") });
        }
        await page.SetViewportSizeAsync(original.Width, original.Height);
    }
}

public static class Screenshots
{
    private static readonly Lazy<string> Folder = new(() =>
    {
        var folder = Path.Combine(Repo.Root, "tests", "Parley.Tests", "screenshots");
        Directory.CreateDirectory(folder);
        return folder;
    });

    public static string PathFor(string file) => Path.Combine(Folder.Value, file);
}

public static class Repo
{
    /// <summary>The checkout's root: the first folder above the test binaries that holds Parley.slnx.</summary>
    public static string Root { get; } = Find();

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Parley.slnx"))) return dir.FullName;
        throw new InvalidOperationException($"No Parley.slnx above {AppContext.BaseDirectory}");
    }
}
