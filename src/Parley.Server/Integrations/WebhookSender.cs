using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Parley.Server.Outbound;

namespace Parley.Server.Integrations;

/// <summary>The answer to one attempt: the status code when the receiver answered, else what went wrong.</summary>
public readonly record struct AttemptResult(int? ResponseCode, string? Error)
{
    public bool Succeeded => ResponseCode is >= 200 and < 300;
}

/// <summary>
/// Posts a delivery's body to its webhook, signed: <c>Parley-Signature: t=&lt;unix seconds&gt;,v1=&lt;hex HMAC-SHA256 of
/// "t.body" keyed by the secret&gt;</c>, so a receiver checks the sender and refuses old timestamps (replays). The same
/// address rules as link previews (<see cref="AddressGuard.ConnectAsync"/>) unless Webhooks:AllowPrivateAddresses; no redirects.
/// </summary>
public sealed class WebhookSender : IDisposable
{
    public const string SignatureHeader = "Parley-Signature";
    private readonly HttpClient _http;
    private readonly TimeSpan _timeout;

    public WebhookSender(IOptions<WebhookOptions> options)
    {
        var o = options.Value;
        _timeout = o.Timeout;
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false, UseCookies = false, UseProxy = false, ConnectTimeout = o.Timeout, PooledConnectionLifetime = TimeSpan.FromMinutes(1),
            ConnectCallback = (context, ct) => AddressGuard.ConnectAsync(context.DnsEndPoint, o.AllowPrivateAddresses, "webhooks", ct),
        };
        _http = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
        _http.DefaultRequestHeaders.UserAgent.ParseAdd("ParleyWebhooks/1.0");
    }

    public static string Sign(string secret, long timestamp, byte[] body)
    {
        var prefix = Encoding.UTF8.GetBytes($"{timestamp}.");
        var signed = new byte[prefix.Length + body.Length];
        prefix.CopyTo(signed, 0);
        body.CopyTo(signed, prefix.Length);
        return $"t={timestamp},v1={Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), signed))}";
    }

    public async Task<AttemptResult> SendAsync(WebhookRow hook, DeliveryRow delivery, CancellationToken ct)
    {
        var body = Encoding.UTF8.GetBytes(delivery.Body);
        using var request = new HttpRequestMessage(HttpMethod.Post, hook.Url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        request.Headers.Add(SignatureHeader, Sign(hook.Secret, DateTimeOffset.UtcNow.ToUnixTimeSeconds(), body));
        request.Headers.Add("Parley-Delivery", delivery.Id);
        request.Headers.Add("Parley-Event", delivery.EventType);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(_timeout);
        try
        {
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            return new AttemptResult((int)response.StatusCode, response.IsSuccessStatusCode ? null : $"HTTP {(int)response.StatusCode}");
        }
        catch (Exception e) when (e is HttpRequestException or RefusedAddressException || (e is OperationCanceledException && !ct.IsCancellationRequested))
        {
            var reason = e is OperationCanceledException ? "timed out" : (e.InnerException as RefusedAddressException)?.Message ?? e.Message;
            return new AttemptResult(null, reason.Length > 500 ? reason[..500] : reason);
        }
    }

    public void Dispose() => _http.Dispose();
}
