using System.Security.Claims;
using Dapper;
using Parley.Server.Api;
using Parley.Server.Auth;
using Parley.Server.Data;
using Parley.Server.Events;
using Parley.Server.Moderation;
using Parley.Server.Safety;

namespace Parley.Server.Integrations;

public sealed record CreateApiKeyRequest(string? Name, List<string>? Scopes);

/// <summary>A key as listed: never its secret, only the first characters that tell keys apart.</summary>
public sealed record ApiKeyDto(string Id, string Name, string Prefix, IReadOnlyList<string> Scopes, string CreatedBy, DateTimeOffset CreatedAt,
    DateTimeOffset? RevokedAt);

/// <summary>The answer to a creation: the secret, shown this once.</summary>
public sealed record CreatedApiKey(string Id, string Name, string Prefix, IReadOnlyList<string> Scopes, string Secret, DateTimeOffset CreatedAt);

/// <summary>/api/admin/api-keys: server administrators create, list and revoke server API keys; each creation and revocation audited.</summary>
public static class ApiKeysApi
{
    public const int MaxName = 100;

    public static RouteGroupBuilder MapApiKeys(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/admin/api-keys").WithTags("Admin").AdminOnly();
        group.MapPost("/", async (Body<CreateApiKeyRequest> body, ClaimsPrincipal user, ApiKeyService service, CancellationToken ct) =>
            (await service.CreateAsync(user.Id(), body.Value, ct)).ToResult(k => Ok.Created(k, "API key created; its secret is shown only now")));
        group.MapGet("/", async (ApiKeyService service, CancellationToken ct) => Ok.With(await service.ListAsync(ct), "API keys retrieved"));
        group.MapDelete("/{id}", async (string id, ClaimsPrincipal user, ApiKeyService service, CancellationToken ct) =>
            (await service.RevokeAsync(user.Id(), id, ct)).ToResult(k => Ok.With(k, "API key revoked")));
        return api;
    }
}

public sealed class ApiKeyService(EventScope scope, ApiKeyCheck keys, Revocations revocations)
{
    private sealed record Row(string Id, string Name, string Prefix, string Scopes, string CreatedBy, long CreatedAt, long? RevokedAt)
    {
        public ApiKeyDto ToDto() => new(Id, Name, Prefix, Scopes.Split(','), CreatedBy, Clock.ToTime(CreatedAt), RevokedAt is null ? null : Clock.ToTime(RevokedAt));
    }

    private const string Columns = "id, name, prefix, scopes, created_by AS createdby, created_at AS createdat, revoked_at AS revokedat";

    public async Task<Outcome<CreatedApiKey>> CreateAsync(string adminId, CreateApiKeyRequest r, CancellationToken ct)
    {
        var v = new Validator();
        v.Check(!TextRules.IsBlank(r.Name) && r.Name!.Trim().Length <= ApiKeysApi.MaxName, "name", $"name is required, at most {ApiKeysApi.MaxName} characters");
        var unknown = (r.Scopes ?? []).Where(s => !ApiKeyScopes.All.Contains(s)).ToList();
        v.Check(unknown.Count == 0, "scopes", $"scopes are among {string.Join(", ", ApiKeyScopes.All)}");
        if (v.Failed) return v.ToFailure();
        var scopes = r.Scopes is { Count: > 0 } given ? ApiKeyScopes.All.Where(given.Contains).ToArray() : ApiKeyScopes.All;
        var secret = ApiKeyScopes.NewSecret();
        var (id, now, name, prefix) = (Guid.CreateVersion7().ToString(), Clock.NowMs(), r.Name!.Trim(), secret[..(ApiKeyScopes.SecretPrefix.Length + 6)]);
        await scope.WriteAsync(async batch =>
        {
            await batch.Connection.ExecuteAsync(
                """
                INSERT INTO api_keys (id, name, secret_hash, prefix, scopes, created_by, created_at)
                VALUES (@id, @name, @hash, @prefix, @scopes, @adminId, @now)
                """, new { id, name, hash = ApiKeyScopes.Hash(secret), prefix, scopes = string.Join(',', scopes), adminId, now }, batch.Transaction);
            await AuditLog.RecordAsync(batch, adminId, AuditActions.ApiKeyCreated, "api_key", id, reason: name);
            return true;
        }, ct);
        return new CreatedApiKey(id, name, prefix, scopes, secret, Clock.ToTime(now));
    }

    public async Task<List<ApiKeyDto>> ListAsync(CancellationToken ct)
    {
        await using var connection = await scope.Db.OpenAsync(ct);
        return (await connection.QueryAsync<Row>($"SELECT {Columns} FROM api_keys ORDER BY id")).Select(r => r.ToDto()).ToList();
    }

    /// <summary>Revokes the key on every node at once, and with it its bots' tokens and sockets; revoking twice changes nothing.</summary>
    public async Task<Outcome<ApiKeyDto>> RevokeAsync(string adminId, string id, CancellationToken ct)
    {
        var result = await scope.TryWriteAsync<(Row Row, List<string> Bots)>(async batch =>
        {
            var (connection, tx) = (batch.Connection, batch.Transaction);
            if (await connection.QuerySingleOrDefaultAsync<Row>($"SELECT {Columns} FROM api_keys WHERE id = @id", new { id }, tx) is not { } row)
                return Failure.NotFound("API key not found");
            if (row.RevokedAt is not null) return (row, new List<string>());
            var now = Clock.NowMs();
            await connection.ExecuteAsync("UPDATE api_keys SET revoked_at = @now WHERE id = @id", new { id, now }, tx);
            var bots = (await connection.QueryAsync<string>("SELECT id FROM users WHERE owner_key_id = @id AND deleted_at IS NULL", new { id }, tx)).AsList();
            await connection.ExecuteAsync("UPDATE users SET security_stamp = @stamp WHERE owner_key_id = @id", new { id, stamp = Guid.NewGuid().ToString("N") }, tx);
            await AuditLog.RecordAsync(batch, adminId, AuditActions.ApiKeyRevoked, "api_key", id, reason: row.Name);
            return (row with { RevokedAt = now }, bots);
        }, ct);
        if (!result.Ok) return result.Error!;
        await keys.RevokedAsync(id);
        foreach (var bot in result.Value.Bots) await revocations.StampChangedAsync(bot);
        return result.Value.Row.ToDto();
    }
}
