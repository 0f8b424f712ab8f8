using System.Net;
using System.Text.Json;
using Parley.Server.Outbound;
using Parley.Tests.Support;

namespace Parley.Tests;

/// <summary>
/// A Parley server whose previews may fetch one local page server (allow-listed by host and port) and nothing
/// else on loopback; a second local server is the trap that must never be hit. One fetch at a time, so a
/// message's preview event shows that every earlier message's fetch is over.
/// </summary>
public sealed class PreviewApp : ParleyApp, IAsyncLifetime
{
    public HtmlServer Pages { get; private set; } = null!;
    public HtmlServer Trap { get; private set; } = null!;

    protected override IEnumerable<KeyValuePair<string, string>> Settings =>
    [
        new("Previews:AllowedHosts:0", $"127.0.0.1:{Pages.Port}"),
        new("Previews:Concurrency", "1"),
        new("Previews:Timeout", "00:00:02"),
    ];

    public new async ValueTask InitializeAsync()
    {
        Pages = await HtmlServer.StartAsync();
        Trap = await HtmlServer.StartAsync();
        await base.InitializeAsync();
    }

    public new async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await Pages.DisposeAsync();
        await Trap.DisposeAsync();
    }
}

public sealed class PreviewTests(PreviewApp app) : IClassFixture<PreviewApp>
{
    private async Task<(TestUser Alice, string Conversation, WsClient Socket)> ChatAsync()
    {
        var alice = await app.UserAsync("alice");
        var bob = await app.UserAsync("bob");
        var direct = await alice.DirectWithAsync(bob);
        var socket = await WsClient.ConnectAsync(bob);
        await socket.NextAsync("ready");
        return (alice, direct, socket);
    }

    private static async Task<JsonElement> PreviewOfAsync(WsClient socket, string messageId) =>
        (await socket.NextAsync(f => f.Str("type") == "message:updated" && f.GetProperty("data").GetProperty("message").Str("id") == messageId))
        .GetProperty("data").GetProperty("message").GetProperty("preview");

    [Fact]
    public async Task The_first_link_of_a_message_gets_a_preview_in_the_background()
    {
        var (alice, direct, socket) = await ChatAsync();
        await using var owned = socket;
        var sent = await alice.SendAsync(direct, $"Read this: {app.Pages.Url("/page")}. And {app.Pages.Url("/plain")}");
        Assert.False(sent.TryGetProperty("preview", out _));

        var preview = await PreviewOfAsync(socket, sent.Str("id"));
        Assert.Equal(app.Pages.Url("/page"), preview.Str("url"));
        Assert.Equal("Parley launch notes", preview.Str("title"));
        Assert.Equal("What is new in Parley this week.", preview.Str("description"));
        Assert.Equal(app.Pages.Url("/cover.png"), preview.Str("imageUrl"));
        Assert.Equal("Parley Blog", preview.Str("siteName"));
        var stored = (await alice.HistoryAsync(direct)).Single();
        Assert.Equal("Parley launch notes", stored.GetProperty("preview").Str("title"));

        var plain = await alice.SendAsync(direct, $"{app.Pages.Url("/hops/4")}");
        Assert.Equal("Parley launch notes", (await PreviewOfAsync(socket, plain.Str("id"))).Str("title"));
    }

    private static async Task<JsonElement> UpdatedAsync(WsClient socket, string messageId) =>
        (await socket.NextAsync(f => f.Str("type") == "message:updated" && f.GetProperty("data").GetProperty("message").Str("id") == messageId))
        .GetProperty("data").GetProperty("message");

    [Fact]
    public async Task Editing_the_text_refreshes_the_preview_and_the_update_keeps_the_reactions()
    {
        var (alice, direct, socket) = await ChatAsync();
        await using var owned = socket;
        var id = (await alice.SendAsync(direct, $"Notes: {app.Pages.Url("/plain")}")).Str("id");
        Assert.Equal("Only a title", (await PreviewOfAsync(socket, id)).Str("title"));
        (await alice.PutAsync($"/api/conversations/{direct}/messages/{id}/reactions/{Uri.EscapeDataString("👍")}")).Expect(200);
        var path = $"/api/conversations/{direct}/messages/{id}";

        // A new first link: the edit's own update drops the old preview, then the new one is fetched, reactions kept.
        (await alice.PutAsync(path, new { content = $"Better: {app.Pages.Url("/page")}" })).Expect(200);
        Assert.False((await UpdatedAsync(socket, id)).TryGetProperty("preview", out _));
        var refreshed = await UpdatedAsync(socket, id);
        Assert.Equal("Parley launch notes", refreshed.GetProperty("preview").Str("title"));
        Assert.Equal("👍", refreshed.GetProperty("reactions")[0].Str("emoji"));

        // The same link with other words around it keeps its preview and is not fetched again.
        (await alice.PutAsync(path, new { content = $"Best: {app.Pages.Url("/page")}" })).Expect(200);
        Assert.Equal("Parley launch notes", (await UpdatedAsync(socket, id)).GetProperty("preview").Str("title"));

        // No link any more: the preview goes with the edit.
        (await alice.PutAsync(path, new { content = "no link after all" })).Expect(200);
        Assert.False((await UpdatedAsync(socket, id)).TryGetProperty("preview", out _));
        Assert.False((await alice.HistoryAsync(direct)).Single().TryGetProperty("preview", out _));
        // Fetches run in order: once a later message has its preview, nothing more came for the edited one.
        var later = (await alice.SendAsync(direct, app.Pages.Url("/plain"))).Str("id");
        await PreviewOfAsync(socket, later);
        Assert.DoesNotContain(socket.TakeAll(), f => f.Str("type") == "message:updated" && f.GetProperty("data").GetProperty("message").Str("id") == id);
    }

    [Fact]
    public async Task Loopback_and_metadata_addresses_are_never_fetched_directly_or_through_a_redirect()
    {
        var (alice, direct, socket) = await ChatAsync();
        await using var owned = socket;
        var trap = app.Trap;
        string[] refused =
        [
            $"http://127.0.0.1:{trap.Port}/page",
            $"http://localhost:{trap.Port}/page",
            $"http://[::ffff:127.0.0.1]:{trap.Port}/page",
            "http://169.254.169.254/latest/meta-data/",
            app.Pages.Url("/redirect?to=" + Uri.EscapeDataString($"http://localhost:{trap.Port}/page")),
            app.Pages.Url("/redirect?to=" + Uri.EscapeDataString("http://169.254.169.254/latest/meta-data/")),
            app.Pages.Url("/hops/6"),
            app.Pages.Url("/json"),
            app.Pages.Url("/huge"),
            app.Pages.Url("/slow"),
        ];
        var ids = new List<string>();
        foreach (var url in refused) ids.Add((await alice.SendAsync(direct, $"see {url}")).Str("id"));
        // Fetches run one at a time in order: once this one's preview is in, every refused one is done.
        var last = await alice.SendAsync(direct, app.Pages.Url("/plain"));
        Assert.Equal("Only a title", (await PreviewOfAsync(socket, last.Str("id"))).Str("title"));

        Assert.Equal(0, trap.Hits);
        var history = await alice.HistoryAsync(direct);
        Assert.All(history.Where(m => ids.Contains(m.Str("id"))), m => Assert.False(m.TryGetProperty("preview", out _), m.ToString()));
        Assert.DoesNotContain(socket.TakeAll(), f => f.Str("type") == "message:updated" && ids.Contains(f.GetProperty("data").GetProperty("message").Str("id")));
    }

    [Theory]
    [InlineData("127.0.0.1", true)]
    [InlineData("10.1.2.3", true)]
    [InlineData("172.20.0.1", true)]
    [InlineData("192.168.1.1", true)]
    [InlineData("169.254.169.254", true)]
    [InlineData("100.100.100.200", true)]
    [InlineData("0.0.0.0", true)]
    [InlineData("224.0.0.1", true)]
    [InlineData("::1", true)]
    [InlineData("fe80::1", true)]
    [InlineData("fd00:ec2::254", true)]
    [InlineData("::ffff:10.0.0.1", true)]
    [InlineData("64:ff9b::a9fe:a9fe", true)]
    [InlineData("ff02::1", true)]
    [InlineData("93.184.215.14", false)]
    [InlineData("2606:2800:21f:cb07:6820:80da:af6b:8b2c", false)]
    public void The_address_guard_knows_the_refused_ranges(string address, bool refused) =>
        Assert.Equal(refused, AddressGuard.IsRefused(IPAddress.Parse(address)));
}
