using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.Extensions.Options;
using Parley.Server.Outbound;

namespace Parley.Server.Previews;

/// <summary>
/// Fetches a page for its preview, safely: every address is checked at connect time
/// (<see cref="AddressGuard.ConnectAsync"/>); redirects followed by hand, at most
/// <see cref="PreviewOptions.MaxRedirects"/>; only text/html; at most <see cref="PreviewOptions.MaxBytes"/> read and
/// <see cref="PreviewOptions.Timeout"/> spent; no cookies, no proxy, a plain user agent.
/// </summary>
public sealed class PreviewFetcher : IDisposable
{
    private readonly PreviewOptions _options;
    private readonly HttpClient _http;

    public PreviewFetcher(IOptions<PreviewOptions> options)
    {
        _options = options.Value;
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false, UseCookies = false, UseProxy = false, ConnectTimeout = _options.Timeout,
            PooledConnectionLifetime = TimeSpan.FromMinutes(1), ConnectCallback = ConnectAsync,
            AutomaticDecompression = DecompressionMethods.GZip | DecompressionMethods.Deflate | DecompressionMethods.Brotli,
        };
        _http = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
        _http.DefaultRequestHeaders.UserAgent.ParseAdd(_options.UserAgent);
        _http.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("text/html"));
        _http.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/xhtml+xml", 0.9));
    }

    /// <summary>The page's HTML and its final URL; null when it is not a page we may or can preview.</summary>
    public async Task<(string Html, Uri Url)?> FetchAsync(Uri url, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(_options.Timeout);
        var current = url;
        for (var hop = 0; hop <= _options.MaxRedirects; hop++)
        {
            if (current.Scheme is not ("http" or "https")) return null;
            using var response = await _http.SendAsync(new HttpRequestMessage(HttpMethod.Get, current), HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            if ((int)response.StatusCode is >= 300 and < 400 && response.Headers.Location is { } location)
            {
                current = new Uri(current, location);
                continue;
            }
            if (!response.IsSuccessStatusCode) return null;
            if (response.Content.Headers.ContentType?.MediaType is not ("text/html" or "application/xhtml+xml")) return null;
            if (response.Content.Headers.ContentLength > _options.MaxBytes) return null;
            return (await ReadCappedAsync(response, timeout.Token), current);
        }
        return null;
    }

    private async Task<string> ReadCappedAsync(HttpResponseMessage response, CancellationToken ct)
    {
        await using var body = await response.Content.ReadAsStreamAsync(ct);
        var buffer = new byte[_options.MaxBytes];
        var length = await body.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, ct);
        var charset = response.Content.Headers.ContentType?.CharSet?.Trim('"');
        var encoding = Encoding.UTF8;
        try { if (charset is { Length: > 0 }) encoding = Encoding.GetEncoding(charset); }
        catch (ArgumentException) { }
        return encoding.GetString(buffer, 0, length);
    }

    private bool IsAllowListed(DnsEndPoint endpoint) => _options.AllowedHosts.Any(h =>
        string.Equals(h, endpoint.Host, StringComparison.OrdinalIgnoreCase) || string.Equals(h, $"{endpoint.Host}:{endpoint.Port}", StringComparison.OrdinalIgnoreCase));

    private ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken ct) =>
        AddressGuard.ConnectAsync(context.DnsEndPoint, IsAllowListed(context.DnsEndPoint), "link previews", ct);

    public void Dispose() => _http.Dispose();
}
