using System.Net;
using Lib.Net.Http.WebPush;
using Lib.Net.Http.WebPush.Authentication;
using Microsoft.Extensions.Options;
using Parley.Server.Outbound;

namespace Parley.Server.Push;

public enum PushResult { Sent, Gone, Failed }

/// <summary>
/// Sends one encrypted push (RFC 8291 aes128gcm, VAPID-signed per RFC 8292) to a push service. Push endpoints come
/// from clients, so the connection refuses the addresses link previews refuse (unless Push:AllowPrivateAddresses).
/// </summary>
public sealed class PushSender : IDisposable
{
    private readonly PushServiceClient _client;
    private readonly HttpClient _http;
    private readonly PushOptions _options;
    private readonly VapidKeys _keys;
    private VapidAuthentication? _vapid;

    public PushSender(IOptions<PushOptions> options, VapidKeys keys)
    {
        (_options, _keys) = (options.Value, keys);
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false, UseCookies = false, UseProxy = false, ConnectTimeout = _options.Timeout,
            PooledConnectionLifetime = TimeSpan.FromMinutes(5), ConnectCallback = ConnectAsync,
        };
        _http = new HttpClient(handler) { Timeout = _options.Timeout };
        _client = new PushServiceClient(_http) { DefaultTimeToLive = (int)_options.TimeToLive.TotalSeconds, AutoRetryAfter = false };
    }

    public async Task<(PushResult Result, int? Status)> SendAsync(PushSubscriptionRow target, string payload, bool urgent, CancellationToken ct)
    {
        _vapid ??= new VapidAuthentication(_keys.PublicKey, _keys.PrivateKey) { Subject = _options.Subject };
        var subscription = new PushSubscription { Endpoint = target.Endpoint, Keys = new Dictionary<string, string> { ["p256dh"] = target.P256dh, ["auth"] = target.Auth } };
        var message = new PushMessage(payload) { Urgency = urgent ? PushMessageUrgency.High : PushMessageUrgency.Normal, Topic = null };
        try
        {
            await _client.RequestPushMessageDeliveryAsync(subscription, message, _vapid, VapidAuthenticationScheme.Vapid, ct);
            return (PushResult.Sent, 201);
        }
        catch (PushServiceClientException e) when (e.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.Gone)
        {
            return (PushResult.Gone, (int)e.StatusCode);
        }
        catch (PushServiceClientException e)
        {
            return (PushResult.Failed, (int)e.StatusCode);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or RefusedAddressException or IOException)
        {
            return (PushResult.Failed, null);
        }
    }

    private ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken ct) =>
        AddressGuard.ConnectAsync(context.DnsEndPoint, _options.AllowPrivateAddresses, "pushes", ct);

    public void Dispose()
    {
        _vapid?.Dispose();
        _http.Dispose();
    }
}
