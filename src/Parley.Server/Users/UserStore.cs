using System.Data.Common;
using Dapper;
using Parley.Server.Api;
using Parley.Server.Data;

namespace Parley.Server.Users;

public sealed class UserStore(Db db)
{
    private const string Columns =
        "id, username, email, name, profile_picture, password_hash, security_stamp, kind, status, last_seen_at, created_at, updated_at, deleted_at, " +
        "is_admin, suspended_at, suspended_until, suspension_reason, owner_key_id";

    public static string Key(string value) => value.Trim().ToLowerInvariant();

    public async Task<UserRow?> GetAsync(string id, CancellationToken ct = default)
    {
        await using var connection = await db.OpenAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<UserRow>($"SELECT {Columns} FROM users WHERE id = @id", new { id });
    }

    public async Task<IReadOnlyList<UserRow>> GetManyAsync(IEnumerable<string> ids, CancellationToken ct = default)
    {
        var list = ids.Distinct().ToArray();
        if (list.Length == 0) return [];
        await using var connection = await db.OpenAsync(ct);
        return (await connection.QueryAsync<UserRow>($"SELECT {Columns} FROM users WHERE id {db.In("list")}", new { list })).AsList();
    }

    public async Task<UserRow?> FindByLoginAsync(string login, CancellationToken ct = default)
    {
        await using var connection = await db.OpenAsync(ct);
        return await connection.QueryFirstOrDefaultAsync<UserRow>(
            $"SELECT {Columns} FROM users WHERE (username_key = @key OR email_key = @key) AND deleted_at IS NULL AND kind = 'human'",
            new { key = Key(login) });
    }

    public async Task<UserRow?> FindAgentAsync(string username, CancellationToken ct = default)
    {
        await using var connection = await db.OpenAsync(ct);
        return await connection.QueryFirstOrDefaultAsync<UserRow>(
            $"SELECT {Columns} FROM users WHERE username_key = @key AND kind = 'agent'", new { key = Key(username) });
    }

    /// <summary>Which of username/email are already taken by someone other than <paramref name="exceptId"/>.</summary>
    public async Task<List<string>> TakenAsync(DbConnection connection, DbTransaction? tx, string? username, string? email, string? exceptId)
    {
        // Two nodes registering the same name at once: the second waits here until the first commits, then sees it.
        if (tx is not null) await Db.LockAsync(connection, tx, username is null ? null : "username:" + Key(username), email is null ? null : "email:" + Key(email));
        var taken = new List<string>();
        if (username is not null && await connection.ExecuteScalarAsync<long>(
                "SELECT COUNT(*) FROM users WHERE username_key = @key AND id <> @exceptId", new { key = Key(username), exceptId = exceptId ?? "" }, tx) > 0)
            taken.Add("username");
        if (email is not null && await connection.ExecuteScalarAsync<long>(
                "SELECT COUNT(*) FROM users WHERE email_key = @key AND id <> @exceptId", new { key = Key(email), exceptId = exceptId ?? "" }, tx) > 0)
            taken.Add("email");
        return taken;
    }

    /// <summary>What stops <paramref name="user"/> from being saved: taken fields, and for people the names the system keeps for itself.</summary>
    private async Task<List<string>> ClashesAsync(DbConnection connection, DbTransaction tx, UserRow user, string? exceptId)
    {
        var taken = await TakenAsync(connection, tx, user.Username, user.Email, exceptId);
        if (user.Kind == UserKinds.Human && UserRules.IsReserved(user.Username) && !taken.Contains("username")) taken.Insert(0, "username");
        return taken;
    }

    /// <summary>Inserts the user unless the username or email is taken; returns the fields that clashed.</summary>
    public Task<List<string>> CreateAsync(UserRow user, CancellationToken ct = default) => db.WriteAsync(async (connection, tx) =>
    {
        var taken = await ClashesAsync(connection, tx, user, null);
        if (taken.Count > 0) return taken;
        // The first person to sign up on an empty server administers it (two at once: the lock makes one of them first).
        if (user.Kind == UserKinds.Human)
        {
            await Db.LockAsync(connection, tx, "first-admin");
            user.IsAdmin |= await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM users WHERE kind = 'human'", transaction: tx) == 0;
        }
        await connection.ExecuteAsync(
            """
            INSERT INTO users (id, username, username_key, email, email_key, name, profile_picture, password_hash, security_stamp, kind, status, created_at, updated_at, is_admin, owner_key_id)
            VALUES (@Id, @Username, @UsernameKey, @Email, @EmailKey, @Name, @ProfilePicture, @PasswordHash, @SecurityStamp, @Kind, @Status, @CreatedAt, @UpdatedAt, @IsAdmin, @OwnerKeyId)
            """,
            new
            {
                user.Id, user.Username, UsernameKey = Key(user.Username), user.Email, EmailKey = user.Email is null ? null : Key(user.Email),
                user.Name, user.ProfilePicture, user.PasswordHash, user.SecurityStamp, user.Kind, user.Status, user.CreatedAt, user.UpdatedAt, user.IsAdmin, user.OwnerKeyId,
            }, tx);
        return taken;
    }, ct);

    public async Task<(IReadOnlyList<UserRow> Users, long Total)> SearchAsync(string? search, Paging paging, CancellationToken ct = default)
    {
        var prefix = string.IsNullOrWhiteSpace(search) ? null : Like.Prefix(Key(search));
        const string where = """
            WHERE deleted_at IS NULL AND kind = 'human'
              AND (@prefix IS NULL OR username_key LIKE @prefix ESCAPE '\' OR lower(name) LIKE @prefix ESCAPE '\')
            """;
        await using var connection = await db.OpenAsync(ct);
        var total = await connection.ExecuteScalarAsync<long>($"SELECT COUNT(*) FROM users {where}", new { prefix });
        var users = await connection.QueryAsync<UserRow>(
            $"SELECT {Columns} FROM users {where} ORDER BY username_key LIMIT @Limit OFFSET @Offset",
            new { prefix, paging.Limit, paging.Offset });
        return (users.AsList(), total);
    }

    public Task<List<string>> UpdateAsync(UserRow user, bool stampChanged, CancellationToken ct = default) => db.WriteAsync(async (connection, tx) =>
    {
        var taken = await ClashesAsync(connection, tx, user, user.Id);
        if (taken.Count > 0) return taken;
        await connection.ExecuteAsync(
            """
            UPDATE users SET username = @Username, username_key = @UsernameKey, email = @Email, email_key = @EmailKey, name = @Name,
                profile_picture = @ProfilePicture, password_hash = @PasswordHash, security_stamp = @SecurityStamp, updated_at = @UpdatedAt
            WHERE id = @Id AND deleted_at IS NULL
            """,
            new
            {
                user.Id, user.Username, UsernameKey = Key(user.Username), user.Email, EmailKey = user.Email is null ? null : Key(user.Email),
                user.Name, user.ProfilePicture, user.PasswordHash, user.SecurityStamp, user.UpdatedAt,
            }, tx);
        return taken;
    }, ct);

    /// <summary>Frees the username and email for reuse and rotates the stamp so every token dies.</summary>
    public Task SoftDeleteAsync(DbConnection connection, DbTransaction tx, string id, long now) => connection.ExecuteAsync(
        """
        UPDATE users SET deleted_at = @now, updated_at = @now, username_key = 'deleted:' || id, email = NULL, email_key = NULL,
            name = NULL, profile_picture = NULL, status = NULL, security_stamp = @stamp
        WHERE id = @id AND deleted_at IS NULL
        """, new { id, now, stamp = Guid.NewGuid().ToString("N") }, tx);

    public async Task SetStatusAsync(string id, string? status, CancellationToken ct = default)
    {
        await using var connection = await db.OpenAsync(ct);
        await connection.ExecuteAsync("UPDATE users SET status = @status WHERE id = @id", new { id, status });
    }
}
