using Microsoft.Playwright;

namespace Parley.Tests.Support;

/// <summary>
/// One headless Chromium per test class: Debian's /usr/bin/chromium driven by Playwright (never a downloaded browser).
/// Each user gets a browser context of their own, so two users chat in two isolated windows.
/// </summary>
public sealed class Chromium : IAsyncLifetime
{
    public const string ExecutablePath = "/usr/bin/chromium";
    public static readonly (int Width, int Height) Desktop = (1280, 800);
    public static readonly (int Width, int Height) Phone = (390, 844);

    private IPlaywright? _playwright;
    public IBrowser Browser { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        Assert.True(File.Exists(ExecutablePath), $"{ExecutablePath} is missing: scripts/test.sh installs Debian's chromium package");
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ExecutablePath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--no-first-run", "--disable-dev-shm-usage"],
        });
        Assertions.SetDefaultExpectTimeout(20_000);
    }

    /// <summary>A fresh window (own cookies and storage) at the given size, pointed at the server.</summary>
    public async Task<ChatWindow> OpenAsync(Uri server, (int Width, int Height) size, string name)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = server.ToString(),
            ViewportSize = new ViewportSize { Width = size.Width, Height = size.Height },
            Locale = "en-US",
            TimezoneId = "UTC",
        });
        context.SetDefaultTimeout(20_000);
        var page = await context.NewPageAsync();
        var window = new ChatWindow(name, context, page, server);
        await page.GotoAsync("/");
        return window;
    }

    public async ValueTask DisposeAsync()
    {
        if (Browser is not null) await Browser.CloseAsync();
        _playwright?.Dispose();
    }
}
