using System.Security.Cryptography;
using Dapper;
using Microsoft.AspNetCore.WebUtilities;
using Parley.Server.Data;

namespace Parley.Server.Push;

/// <summary>
/// The server's VAPID key pair (RFC 8292): a P-256 key generated on first run and kept in the database
/// (<c>settings</c>), so every node signs with the same key and browsers' subscriptions survive restarts. Nodes
/// starting at once agree: each offers a pair, the first insert wins and all read it back.
/// </summary>
public sealed class VapidKeys(Db db)
{
    private const string Setting = "vapid_keys";
    private (string Public, string Private)? _pair;

    /// <summary>The public key as browsers take it: the uncompressed point, base64url.</summary>
    public string PublicKey => Pair.Public;
    public string PrivateKey => Pair.Private;

    private (string Public, string Private) Pair => _pair ?? throw new InvalidOperationException("VAPID keys are loaded at start-up (EnsureVapidKeysAsync)");

    public async Task LoadAsync(CancellationToken ct = default)
    {
        var offered = Generate();
        var stored = await db.WriteAsync(async (connection, tx) =>
        {
            await connection.ExecuteAsync("INSERT INTO settings (name, value) VALUES (@name, @offered) ON CONFLICT (name) DO NOTHING",
                new { name = Setting, offered }, tx);
            return await connection.ExecuteScalarAsync<string>("SELECT value FROM settings WHERE name = @name", new { name = Setting }, tx);
        }, ct);
        var parts = stored!.Split('.');
        _pair = (parts[0], parts[1]);
    }

    private static string Generate()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var p = key.ExportParameters(includePrivateParameters: true);
        byte[] point = [0x04, .. p.Q.X!, .. p.Q.Y!];
        return WebEncoders.Base64UrlEncode(point) + "." + WebEncoders.Base64UrlEncode(p.D!);
    }
}
