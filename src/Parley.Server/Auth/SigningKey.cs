using System.Security.Cryptography;
using System.Text;
using Dapper;
using Microsoft.Extensions.Options;
using Parley.Server.Data;

namespace Parley.Server.Auth;

/// <summary>
/// The HS256 key: Auth:SigningKey when set; otherwise one generated once per deployment and kept in the
/// database (<c>settings</c>, migration 006), so every node of a scaled-out deployment signs and checks with
/// the same key without configuration. Nodes starting at once agree: each offers a key, the first insert
/// wins and all read it back. An install that kept its key in data/jwt.key offers that one, so its tokens
/// keep working.
/// </summary>
public sealed class SigningKey(IOptions<AuthOptions> options, DataOptions data, Db db)
{
    private const string Setting = "jwt_signing_key";
    private byte[]? _value;

    public byte[] Value => _value ?? throw new InvalidOperationException("The signing key is loaded at start-up (EnsureSigningKeyAsync)");

    public async Task LoadAsync(CancellationToken ct = default)
    {
        if (!string.IsNullOrWhiteSpace(options.Value.SigningKey))
        {
            _value = Encoding.UTF8.GetBytes(options.Value.SigningKey);
            return;
        }
        var file = Path.Combine(data.DataDirectory, "jwt.key");
        var offered = File.Exists(file) ? (await File.ReadAllTextAsync(file, ct)).Trim() : Convert.ToBase64String(RandomNumberGenerator.GetBytes(64));
        var stored = await db.WriteAsync(async (connection, tx) =>
        {
            await connection.ExecuteAsync("INSERT INTO settings (name, value) VALUES (@name, @offered) ON CONFLICT (name) DO NOTHING",
                new { name = Setting, offered }, tx);
            return await connection.ExecuteScalarAsync<string>("SELECT value FROM settings WHERE name = @name", new { name = Setting }, tx);
        }, ct);
        _value = Convert.FromBase64String(stored!);
    }
}
