using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Parley.Tests.Support;

/// <summary>
/// A small web server on 127.0.0.1 for the link-preview tests: pages with Open Graph tags, redirects, a slow page,
/// non-HTML and an oversized page. It counts every request it gets, so a test can show a URL was never fetched.
/// </summary>
public sealed class HtmlServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _hits;

    private HtmlServer(WebApplication app) => _app = app;

    public Uri BaseAddress { get; private set; } = null!;
    public int Port => BaseAddress.Port;
    public int Hits => Volatile.Read(ref _hits);

    public static async Task<HtmlServer> StartAsync(Func<string, string>? redirects = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var server = new HtmlServer(app);
        app.Use(async (context, next) =>
        {
            Interlocked.Increment(ref server._hits);
            await next(context);
        });
        app.MapGet("/page", () => Results.Content("""
            <!DOCTYPE html><html><head><title>Plain title</title>
            <meta property="og:title" content="Parley launch notes">
            <meta property="og:description" content="What is new in Parley this week.">
            <meta property="og:image" content="/cover.png"><meta property="og:site_name" content="Parley Blog">
            </head><body>Hello</body></html>
            """, "text/html; charset=utf-8"));
        app.MapGet("/plain", () => Results.Content("<html><head><title> Only a title </title></head></html>", "text/html"));
        app.MapGet("/json", () => Results.Json(new { title = "not html" }));
        app.MapGet("/huge", () => Results.Content("<html><head>" + new string(' ', 2 << 20) + "<title>Too far</title></head></html>", "text/html"));
        app.MapGet("/slow", async (CancellationToken ct) =>
        {
            await Task.Delay(TimeSpan.FromSeconds(30), ct);
            return Results.Content("<title>Slow</title>", "text/html");
        });
        app.MapGet("/redirect", (string to) => Results.Redirect(to));
        app.MapGet("/hops/{n:int}", (int n) => n == 0 ? Results.Redirect("/page") : Results.Redirect($"/hops/{n - 1}"));
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server.BaseAddress = new Uri(address);
        return server;
    }

    public string Url(string path) => new Uri(BaseAddress, path).AbsoluteUri;

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
