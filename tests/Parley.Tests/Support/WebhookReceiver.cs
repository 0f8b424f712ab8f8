using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Parley.Tests.Support;

/// <summary>One request a webhook receiver got: the raw body, its signature header, and what it answered.</summary>
public sealed record WebhookCall(byte[] Body, string Signature, string DeliveryId, int Answered)
{
    public JsonElement Json => JsonDocument.Parse(Body).RootElement;
    public long Cursor => Json.GetProperty("cursor").GetInt64();

    /// <summary>Checks Parley-Signature the way a receiver should: t=, v1= the HMAC-SHA256 of "t.body", and t recent.</summary>
    public bool SignedWith(string secret)
    {
        var parts = Signature.Split(',').Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => p[1]);
        var t = long.Parse(parts["t"]);
        var expected = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), (byte[])[.. Encoding.UTF8.GetBytes($"{t}."), .. Body]);
        return Math.Abs(DateTimeOffset.UtcNow.ToUnixTimeSeconds() - t) < 300
            && CryptographicOperations.FixedTimeEquals(expected, Convert.FromHexString(parts["v1"]));
    }
}

/// <summary>A webhook receiver on 127.0.0.1 (a tiny Kestrel app) that answers 500 to its first <c>failFirst</c> requests, then 200.</summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<WebhookCall> _calls = new();
    private int _count;
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private WebhookReceiver(WebApplication app) => _app = app;

    public string Url { get; private set; } = "";
    public IReadOnlyList<WebhookCall> Calls => [.. _calls];
    public IReadOnlyList<WebhookCall> Accepted => [.. _calls.Where(c => c.Answered == 200)];

    public static async Task<WebhookReceiver> StartAsync(int failFirst = 0)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var receiver = new WebhookReceiver(app);
        app.MapPost("/hook", async (HttpContext http) =>
        {
            using var body = new MemoryStream();
            await http.Request.Body.CopyToAsync(body);
            var status = Interlocked.Increment(ref receiver._count) <= failFirst ? 500 : 200;
            receiver._calls.Enqueue(new WebhookCall(body.ToArray(), http.Request.Headers["Parley-Signature"].ToString(),
                http.Request.Headers["Parley-Delivery"].ToString(), status));
            Interlocked.Exchange(ref receiver._changed, new(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
            return Results.StatusCode(status);
        });
        await app.StartAsync();
        receiver.Url = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First() + "/hook";
        return receiver;
    }

    /// <summary>Waits until the calls received so far satisfy <paramref name="done"/>.</summary>
    public async Task UntilAsync(Func<IReadOnlyList<WebhookCall>, bool> done, TimeSpan? wait = null)
    {
        using var timeout = new CancellationTokenSource(wait ?? TimeSpan.FromSeconds(30));
        while (true)
        {
            var changed = Volatile.Read(ref _changed).Task;
            if (done(Calls)) return;
            await changed.WaitAsync(timeout.Token);
        }
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
