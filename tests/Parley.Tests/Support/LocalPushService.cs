using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Parley.Tests.Support;

/// <summary>A push the local push service received, decrypted, with what its checks found.</summary>
public sealed record ReceivedPush(string Device, JsonElement Payload, string VapidKey, string Audience, int Ttl, string? Urgency);

/// <summary>
/// A push service on 127.0.0.1, as a browser's vendor runs one (RFC 8030): each device is an endpoint URL. Every push
/// is checked as a browser and its push service would: the VAPID JWT (RFC 8292) must verify with the key in the
/// header, name this origin as audience and not be expired; the body must be aes128gcm (RFC 8188) and decrypt with the
/// device's keys (RFC 8291). Devices can be told to answer 410 Gone, as for a subscription the user revoked.
/// </summary>
public sealed class LocalPushService : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, PushDevice> _devices = new();
    private readonly Channel<ReceivedPush> _received = Channel.CreateUnbounded<ReceivedPush>();
    private readonly ConcurrentQueue<string> _problems = new();

    private LocalPushService(WebApplication app) => _app = app;

    public Uri BaseAddress { get; private set; } = null!;

    public static async Task<LocalPushService> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var service = new LocalPushService(app);
        app.MapPost("/push/{device}", service.ReceiveAsync);
        await app.StartAsync();
        service.BaseAddress = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        return service;
    }

    /// <summary>A new browser profile: its endpoint and keys, as <c>pushManager.subscribe()</c> hands them to the page.</summary>
    public PushDevice NewDevice()
    {
        var device = new PushDevice(Guid.NewGuid().ToString("N"), this);
        _devices[device.Name] = device;
        return device;
    }

    /// <summary>The next push that arrives, whatever the device.</summary>
    public async Task<ReceivedPush> NextAsync(TimeSpan? wait = null)
    {
        using var timeout = new CancellationTokenSource(wait ?? TimeSpan.FromSeconds(15));
        ReceivedPush push;
        try
        {
            push = await _received.Reader.ReadAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException("No push arrived. " + string.Join("; ", _problems));
        }
        Assert.True(_problems.IsEmpty, string.Join("; ", _problems));
        return push;
    }

    private async Task<IResult> ReceiveAsync(string device, HttpRequest request)
    {
        if (!_devices.TryGetValue(device, out var target)) return Results.NotFound();
        using var body = new MemoryStream();
        await request.Body.CopyToAsync(body);
        try
        {
            var (key, audience) = Vapid.Verify(request.Headers.Authorization.ToString());
            // The origin; Lib.Net.Http.WebPush leaves out the port, which real push services (all on 443) never see.
            if (audience != $"{BaseAddress.Scheme}://{BaseAddress.Authority}" && audience != $"{BaseAddress.Scheme}://{BaseAddress.Host}")
                throw new InvalidDataException($"VAPID audience {audience}");
            if (request.Headers.ContentEncoding.ToString() != "aes128gcm") throw new InvalidDataException("Content-Encoding is not aes128gcm");
            var ttl = int.Parse(request.Headers["TTL"].ToString());
            var payload = JsonDocument.Parse(target.Decrypt(body.ToArray())).RootElement.Clone();
            if (target.Gone) return Results.StatusCode(StatusCodes.Status410Gone);
            _received.Writer.TryWrite(new ReceivedPush(device, payload, key, audience, ttl, request.Headers["Urgency"].FirstOrDefault()));
            return Results.Created();
        }
        catch (Exception e) when (e is InvalidDataException or CryptographicException or FormatException or JsonException)
        {
            _problems.Enqueue(e.Message);
            return Results.BadRequest();
        }
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    private static class Vapid
    {
        /// <summary>"vapid t=&lt;jwt&gt;, k=&lt;key&gt;": the ES256 signature checks with k; answers k and the audience.</summary>
        public static (string Key, string Audience) Verify(string header)
        {
            if (!header.StartsWith("vapid ", StringComparison.Ordinal)) throw new InvalidDataException($"Authorization is not vapid: {header}");
            var parts = header[6..].Split(',', StringSplitOptions.TrimEntries).Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => p[1]);
            var (jwt, key) = (parts["t"], parts["k"]);
            var segments = jwt.Split('.');
            var point = WebEncoders.Base64UrlDecode(key);
            using var ecdsa = ECDsa.Create(new ECParameters { Curve = ECCurve.NamedCurves.nistP256, Q = new ECPoint { X = point[1..33], Y = point[33..65] } });
            if (!ecdsa.VerifyData(Encoding.ASCII.GetBytes(segments[0] + "." + segments[1]), WebEncoders.Base64UrlDecode(segments[2]), HashAlgorithmName.SHA256))
                throw new InvalidDataException("VAPID signature does not verify");
            var claims = JsonDocument.Parse(WebEncoders.Base64UrlDecode(segments[1])).RootElement;
            if (claims.GetProperty("exp").GetInt64() < DateTimeOffset.UtcNow.ToUnixTimeSeconds()) throw new InvalidDataException("VAPID token expired");
            if (!claims.TryGetProperty("sub", out _)) throw new InvalidDataException("VAPID token has no subject");
            return (key, claims.GetProperty("aud").GetString()!);
        }
    }
}

/// <summary>One browser's subscription: a P-256 key pair and a 16-byte auth secret, kept on the device.</summary>
public sealed class PushDevice(string name, LocalPushService service)
{
    private readonly ECDiffieHellman _key = ECDiffieHellman.Create(ECCurve.NamedCurves.nistP256);
    private readonly byte[] _auth = RandomNumberGenerator.GetBytes(16);

    public string Name { get; } = name;
    public bool Gone { get; set; }
    public string Endpoint => new Uri(service.BaseAddress, $"/push/{Name}").ToString();

    private byte[] PublicKey
    {
        get
        {
            var q = _key.ExportParameters(false).Q;
            return [0x04, .. q.X!, .. q.Y!];
        }
    }

    /// <summary>The subscription's JSON, as <c>subscription.toJSON()</c>.</summary>
    public object Subscription => new
    {
        endpoint = Endpoint, expirationTime = (long?)null,
        keys = new { p256dh = WebEncoders.Base64UrlEncode(PublicKey), auth = WebEncoders.Base64UrlEncode(_auth) },
    };

    /// <summary>RFC 8291 on the receiving side: derive the key from ECDH with the sender's key (in the header) and the auth secret.</summary>
    public byte[] Decrypt(byte[] body)
    {
        var salt = body[..16];
        var recordSize = BinaryPrimitives.ReadUInt32BigEndian(body.AsSpan(16, 4));
        var idLength = body[20];
        var senderKey = body[21..(21 + idLength)];
        var record = body[(21 + idLength)..];
        if (idLength != 65 || record.Length > recordSize) throw new InvalidDataException("Not one aes128gcm record with a P-256 key id");

        using var sender = ECDiffieHellman.Create(new ECParameters
        {
            Curve = ECCurve.NamedCurves.nistP256, Q = new ECPoint { X = senderKey[1..33], Y = senderKey[33..65] },
        });
        var shared = _key.DeriveRawSecretAgreement(sender.PublicKey);
        byte[] keyInfo = [.. "WebPush: info\0"u8, .. PublicKey, .. senderKey];
        var ikm = HKDF.DeriveKey(HashAlgorithmName.SHA256, shared, 32, _auth, keyInfo);
        var cek = HKDF.DeriveKey(HashAlgorithmName.SHA256, ikm, 16, salt, "Content-Encoding: aes128gcm\0"u8.ToArray());
        var nonce = HKDF.DeriveKey(HashAlgorithmName.SHA256, ikm, 12, salt, "Content-Encoding: nonce\0"u8.ToArray());

        var plain = new byte[record.Length - 16];
        using var aes = new AesGcm(cek, 16);
        aes.Decrypt(nonce, record[..^16], record[^16..], plain);
        var end = Array.FindLastIndex(plain, b => b != 0);
        if (end < 0 || plain[end] != 0x02) throw new InvalidDataException("The last record does not end with the 0x02 delimiter");
        return plain[..end];
    }
}
