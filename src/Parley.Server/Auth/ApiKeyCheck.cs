using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Dapper;
using Microsoft.Extensions.Options;
using Parley.Server.Api;
using Parley.Server.Data;
using Parley.Server.Events;

namespace Parley.Server.Auth;

/// <summary>A live server API key as a request sees it.</summary>
public sealed record ApiKeyInfo(string Id, IReadOnlyList<string> Scopes)
{
    public bool Allows(string scope) => Scopes.Contains(scope);
}

/// <summary>What a server API key may do; a key created with none may do all four.</summary>
public static class ApiKeyScopes
{
    public const string Users = "users";
    public const string Tokens = "tokens";
    public const string Conversations = "conversations";
    public const string Messages = "messages";

    public static readonly string[] All = [Users, Tokens, Conversations, Messages];

    /// <summary>"parley_sk_" + 32 random bytes (base64url): recognisable in logs and secret scanners.</summary>
    public const string SecretPrefix = "parley_sk_";

    public static bool LooksLikeSecret(string? value) => value is not null && value.StartsWith(SecretPrefix, StringComparison.Ordinal);

    public static string NewSecret() => SecretPrefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>Only this is stored: a 256-bit random secret needs no slow hash.</summary>
    public static string Hash(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));
}

/// <summary>
/// Resolves an API key secret to its key, and a bot to the key that owns it. Keys are cached per node, as stamps
/// are (<see cref="UserStamps"/>); a revocation removes the key from every node's cache at once over the bus
/// (<see cref="AuthEventTypes.ApiKeyRevoked"/>), and the cache's age limit (Auth:StampCacheSeconds) is the fallback.
/// </summary>
public sealed class ApiKeyCheck(Db db, IEventBus bus, IOptions<AuthOptions> options) : IHostedService
{
    private readonly ConcurrentDictionary<string, (ApiKeyInfo Key, long ReadAt)> _keys = new(StringComparer.Ordinal);
    private readonly long _maxAgeMs = options.Value.StampCacheSeconds is { } seconds ? (long)(seconds * 1000) : db.IsSqlite ? long.MaxValue : 5_000;
    private long _revocations;

    public static readonly Failure Invalid = Failure.Unauthorized("Invalid or revoked API key");

    public async ValueTask<Outcome<ApiKeyInfo>> KeyOfAsync(string secret, CancellationToken ct)
    {
        if (!ApiKeyScopes.LooksLikeSecret(secret) || secret.Length > 200) return Invalid;
        var hash = ApiKeyScopes.Hash(secret);
        var now = Environment.TickCount64;
        if (_keys.TryGetValue(hash, out var cached) && now - cached.ReadAt < _maxAgeMs) return cached.Key;
        var before = Interlocked.Read(ref _revocations);
        await using var connection = await db.OpenAsync(ct);
        var row = await connection.QuerySingleOrDefaultAsync<(string Id, string Scopes)?>(
            "SELECT id, scopes FROM api_keys WHERE secret_hash = @hash AND revoked_at IS NULL", new { hash });
        if (row is not { } found) return Invalid;
        var key = new ApiKeyInfo(found.Id, found.Scopes.Split(',', StringSplitOptions.RemoveEmptyEntries));
        // A revocation that arrived while we read may concern the row we just read: keep nothing then.
        if (Interlocked.Read(ref _revocations) == before) _keys[hash] = (key, now);
        return key;
    }

    /// <summary>Whether <paramref name="botId"/> is a live bot that <paramref name="key"/> owns.</summary>
    public async ValueTask<bool> OwnsBotAsync(ApiKeyInfo key, string botId, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        return await connection.ExecuteScalarAsync<long>(
            "SELECT COUNT(*) FROM users WHERE id = @botId AND kind = 'bot' AND owner_key_id = @keyId AND deleted_at IS NULL",
            new { botId, keyId = key.Id }) > 0;
    }

    /// <summary>The bot a socket opened with a key speaks for: a bot the key owns, named in the path (/ws/{botId}); the key needs the messages scope.</summary>
    public async ValueTask<Outcome<string>> BotOfAsync(string secret, string? botId, CancellationToken ct)
    {
        var key = await KeyOfAsync(secret, ct);
        if (!key.Ok) return key.Error!;
        if (botId is null) return Failure.Unauthorized("An API key opens a socket for one of its bots: connect to /ws/{botId}");
        if (!key.Value!.Allows(ApiKeyScopes.Messages)) return Failure.Forbidden("This API key lacks the messages scope");
        return await OwnsBotAsync(key.Value, botId, ct) ? botId : Failure.Forbidden("This API key does not own that bot");
    }

    /// <summary>After the revocation committed: forgotten here at once, and on every other node by the bus message.</summary>
    public async Task RevokedAsync(string keyId)
    {
        Forget(keyId);
        var data = JsonSerializer.SerializeToUtf8Bytes(new { keyId }, JsonSetup.Default);
        await bus.PublishAsync([new ChatEvent(0, AuthEventTypes.ApiKeyRevoked, null, null, Clock.NowMs(), data)]);
    }

    private void Forget(string keyId)
    {
        Interlocked.Increment(ref _revocations);
        foreach (var (hash, entry) in _keys)
            if (entry.Key.Id == keyId) _keys.TryRemove(hash, out _);
    }

    public Task StartAsync(CancellationToken ct)
    {
        bus.Subscribe(OnEvent);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken ct) => Task.CompletedTask;

    private ValueTask OnEvent(ChatEvent e)
    {
        if (e.Type != AuthEventTypes.ApiKeyRevoked) return ValueTask.CompletedTask;
        using var document = JsonDocument.Parse(e.Data);
        if (document.RootElement.TryGetProperty("keyId", out var id) && id.GetString() is { } keyId) Forget(keyId);
        return ValueTask.CompletedTask;
    }
}
