using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;
using Parley.Tests.Support;

namespace Parley.Tests;

/// <summary>A server that logs its errors where the test can read them, and lets one socket send any number of bad frames.</summary>
public sealed class BadInputApp : ParleyApp
{
    public ErrorLog Errors { get; } = new();

    protected override IEnumerable<KeyValuePair<string, string>> Settings => [new("Gateway:MaxInvalidFrames", "1000000")];

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureLogging(logging => logging.AddProvider(Errors));
    }
}

/// <summary>
/// The bad-input corpus (<see cref="BadInputCorpus"/>) against every route of the OpenAPI document and every request type
/// of the gateway's registry: never a 5xx, always the envelope (an ack or an error frame on a socket), no error logged,
/// and the server still works afterwards.
/// </summary>
public sealed class BadInputTests(BadInputApp app) : IClassFixture<BadInputApp>, IAsyncLifetime
{
    private readonly ConcurrentQueue<string> _failures = new();
    private TestUser _owner = null!, _member = null!;
    private string _conversation = "", _message = "";
    private HttpClient _http = null!;

    public async ValueTask InitializeAsync()
    {
        (_owner, _member) = (await app.UserAsync("owner"), await app.UserAsync("member"));
        _conversation = await _owner.GroupAsync("group", _member);
        _message = (await _owner.SendAsync(_conversation, "hello")).Str("id");
        _http = app.Http(_owner.Token);
    }

    public async ValueTask DisposeAsync()
    {
        // Healthy afterwards: the fixtures still work, and nothing was logged as an error.
        using var health = await app.Http().GetAsync("/healthz");
        Assert.Equal(200, (int)health.StatusCode);
        // The corpus's well-formed PUT /api/users/{member}/block may have worked.
        (await _owner.DeleteAsync($"/api/users/{_member.Id}/block")).Expect(200);
        await _member.SendAsync(await _member.DirectWithAsync(_owner), "still here");
        Assert.True(app.Errors.Lines.Count == 0, "error log:\n" + string.Join('\n', app.Errors.Lines.Take(20)));
        _http.Dispose();
    }

    /// <summary>A real id for each parameter name; DELETE gets unknown ones so that the fixtures survive the corpus.</summary>
    private string IdFor(ApiRoute route, string parameter) => route.Method == "DELETE" ? Guid.NewGuid().ToString() : parameter switch
    {
        "messageId" => _message,
        "userId" => _member.Id,
        _ when route.Template.StartsWith("/api/users/", StringComparison.Ordinal) || route.Template.StartsWith("/api/status/", StringComparison.Ordinal) => _member.Id,
        _ => _conversation,
    };

    private async Task<List<ApiRoute>> RoutesAsync()
    {
        var routes = await ApiRoute.FromOpenApiAsync(_http);
        Assert.True(routes.Count > 40, $"only {routes.Count} routes in the OpenAPI document");
        return routes;
    }

    [Fact]
    public async Task Every_route_answers_bad_bodies_with_a_4xx_envelope()
    {
        var bodies = BadInputCorpus.Bodies().ToList();
        var routes = (await RoutesAsync()).Where(r => r.TakesBody).ToList();
        await RunAsync(routes.SelectMany(r => bodies.Select(b => (r.Method, r.Fill(p => IdFor(r, p)), (byte[]?)b))));
        Report();
    }

    [Fact]
    public async Task Every_route_answers_bad_ids_with_a_4xx_envelope_and_runs_no_other_route()
    {
        var routes = (await RoutesAsync()).Where(r => r.Parameters.Any()).ToList();
        var sends = routes.SelectMany(r => r.Parameters.SelectMany(bad => BadInputCorpus.BadIds.Select(id =>
            (r.Method, r.Fill(p => p == bad ? id : IdFor(r, p)), r.TakesBody ? "{}"u8.ToArray() : null))));
        await RunAsync(sends, (path, status) =>
        {
            if (path.Contains("%2e", StringComparison.OrdinalIgnoreCase) || path.Contains("/./") || path.Contains("/../") || path.EndsWith("/.") || path.EndsWith("/.."))
                return status == 400 ? null : "a dot segment must be a 400";
            return null;
        });
        // Nothing a bad id reached was deleted: the conversation and its message are still there.
        (await _owner.GetAsync($"/api/conversations/{_conversation}")).Expect(200);
        Assert.Single(await _owner.HistoryAsync(_conversation));
        Report();
    }

    [Fact]
    public async Task Every_read_route_answers_bad_queries_without_a_5xx()
    {
        var routes = (await RoutesAsync()).Where(r => r.Method == "GET").ToList();
        await RunAsync(routes.SelectMany(r => BadInputCorpus.Queries.Select(q => (r.Method, r.Fill(p => IdFor(r, p)) + "?" + q, (byte[]?)null))));
        Report();
    }

    [Fact]
    public async Task Every_path_answers_other_methods_and_oversized_bodies_without_a_5xx()
    {
        var routes = await RoutesAsync();
        var paths = routes.Select(r => r.Fill(p => Guid.NewGuid().ToString())).Distinct().ToList();
        await RunAsync(paths.SelectMany(p => new[] { "HEAD", "OPTIONS", "PATCH", "TRACE" }.Select(m => (m, p, (byte[]?)null))));
        var big = BadInputCorpus.Oversized();
        await RunAsync(routes.Where(r => r.TakesBody).Select(r => (r.Method, r.Fill(p => IdFor(r, p)), (byte[]?)big)), parallel: 2);
        Report();
    }

    [Fact]
    public async Task Pages_and_cursors_past_the_end_are_empty_and_final()
    {
        foreach (var list in new[] { "/api/users", "/api/conversations", "/api/groups", "/api/notifications" })
        {
            var page = await _owner.GetAsync($"{list}?page=21474838&limit=100");
            var data = page.Expect(200);
            var items = data.ValueKind == JsonValueKind.Array ? data : data.EnumerateObject().First(p => p.Value.ValueKind == JsonValueKind.Array).Value;
            Assert.True(items.GetArrayLength() == 0, $"{list}: {page.Root}");
        }
        var after = (await _owner.GetAsync($"/api/conversations/{_conversation}/messages?after={long.MaxValue}")).Expect(200);
        Assert.Empty(after.GetProperty("messages").EnumerateArray());
        Assert.False(after.GetProperty("hasMore").GetBoolean());
    }

    private void Report() =>
        Assert.True(_failures.IsEmpty, $"{_failures.Count} bad answers:\n" + string.Join('\n', _failures.Order().Take(40)));

    private async Task RunAsync(IEnumerable<(string Method, string Path, byte[]? Body)> sends, Func<string, int, string?>? extra = null, int parallel = 8)
    {
        await Parallel.ForEachAsync(sends, new ParallelOptions { MaxDegreeOfParallelism = parallel }, async (send, ct) =>
        {
            var problem = await SendAsync(send.Method, send.Path, send.Body, extra);
            if (problem is not null) _failures.Enqueue($"{send.Method} {Shorten(send.Path)} {Shorten(send.Body is null ? "" : Encoding.UTF8.GetString(send.Body))}: {problem}");
        });
    }

    private static string Shorten(string text) => text.Length > 120 ? text[..120] + "…" : text;

    /// <summary>Sends one request as written (no path canonicalisation) and returns what is wrong with the answer, or null.</summary>
    private async Task<string?> SendAsync(string method, string path, byte[]? body, Func<string, int, string?>? extra)
    {
        var uri = new Uri(app.BaseAddress + path.TrimStart('/'), new UriCreationOptions { DangerousDisablePathAndQueryCanonicalization = true });
        using var request = new HttpRequestMessage(new HttpMethod(method), uri);
        if (body is not null)
        {
            request.Content = new ByteArrayContent(body);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            // A server may answer a big body before reading it (413, or a route that reads none): wait for its go-ahead, as curl does.
            request.Headers.ExpectContinue = body.Length > 65536;
        }
        // What Kestrel refuses in the request line gets the envelope when it is the first request of a connection
        // (Api/RequestLineGuard.cs); on a kept-alive connection Kestrel answers alone, with an empty body.
        var kestrelRefuses = path.Length > 8000 || path.Contains("%00", StringComparison.Ordinal);
        using var fresh = kestrelRefuses ? app.Http(_owner.Token) : null;
        HttpResponseMessage response;
        try { response = await (fresh ?? _http).SendAsync(request); }
        // A server may answer an oversized body and close while the client is still sending it: no 5xx, nothing to check.
        catch (HttpRequestException) when (body is { Length: > 1 << 20 }) { return null; }
        catch (HttpRequestException e) { return $"no answer ({e.Message})"; }
        using (response)
        {
            var status = (int)response.StatusCode;
            if (status >= 500) return $"{status}";
            var text = await response.Content.ReadAsStringAsync();
            if (method == "HEAD") return extra?.Invoke(path, status);
            try
            {
                using var envelope = JsonDocument.Parse(text);
                var root = envelope.RootElement;
                if (root.GetProperty("statusCode").GetInt32() != status || root.GetProperty("success").GetBoolean() != status < 400)
                    return $"{status} with a mismatched envelope {Shorten(text)}";
                if (status >= 400 && root.GetProperty("error").GetProperty("status").GetInt32() != status) return $"{status}: error.status differs";
            }
            catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
            {
                return $"{status} without the envelope: '{Shorten(text)}'";
            }
            return extra?.Invoke(path, status);
        }
    }
}
