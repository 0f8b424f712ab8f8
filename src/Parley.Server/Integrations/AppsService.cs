using System.Security.Cryptography;
using Dapper;
using Microsoft.AspNetCore.Identity;
using Parley.Server.Api;
using Parley.Server.Auth;
using Parley.Server.Conversations;
using Parley.Server.Data;
using Parley.Server.Users;

namespace Parley.Server.Integrations;

public sealed record AppToken(string Token, string TokenType, DateTimeOffset ExpiresAt, string UserId);

/// <summary>What /api/apps does: server-side, on behalf of the product's backend, through the same services users go through.</summary>
public sealed class AppsService(UserStore users, IPasswordHasher<UserRow> hasher, AccountService accounts, TokenService tokens,
    ConversationService conversations, Db db)
{
    public const long MaxTokenSeconds = 90 * 24 * 3600;

    public async Task<Outcome<UserDto>> CreateUserAsync(AppUserRequest r, CancellationToken ct)
    {
        var v = new Validator();
        UserRules.Username(v, r.Username, required: true);
        UserRules.Email(v, AuthApi.Blank(r.Email));
        UserRules.Name(v, r.Name);
        UserRules.Picture(v, "profilePicture", r.ProfilePicture);
        UserRules.Password(v, r.Password, required: false);
        if (v.Failed) return v.ToFailure();
        // Without a password the account signs in only with tokens the key mints.
        return await InsertAsync(new UserRow { Username = r.Username!, Email = AuthApi.Blank(r.Email), Name = r.Name?.Trim(), ProfilePicture = AuthApi.Blank(r.ProfilePicture) },
            r.Password, ct);
    }

    public async Task<Outcome<UserDto>> UpdateUserAsync(string id, UpdateUserRequest r, CancellationToken ct)
    {
        var updated = await accounts.UpdateAsync(id, id, r, ct);
        return updated.Ok ? UserDto.From(updated.Value!.User, "offline") : updated.Error!;
    }

    public async Task<Outcome<UserDto>> CreateBotAsync(string keyId, AppBotRequest r, CancellationToken ct)
    {
        var v = new Validator();
        UserRules.Username(v, r.Username, required: true);
        TextRules.Name(v, "displayName", r.DisplayName);
        UserRules.Picture(v, "profilePicture", r.ProfilePicture);
        if (v.Failed) return v.ToFailure();
        return await InsertAsync(new UserRow
        {
            Username = r.Username!, Name = r.DisplayName?.Trim(), ProfilePicture = AuthApi.Blank(r.ProfilePicture), Kind = UserKinds.Bot, OwnerKeyId = keyId,
        }, null, ct);
    }

    private async Task<Outcome<UserDto>> InsertAsync(UserRow user, string? password, CancellationToken ct)
    {
        var now = Clock.NowMs();
        (user.Id, user.SecurityStamp, user.CreatedAt, user.UpdatedAt) = (Guid.CreateVersion7().ToString(), Guid.NewGuid().ToString("N"), now, now);
        user.PasswordHash = hasher.HashPassword(user, password ?? Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)));
        var taken = await users.CreateAsync(user, ct);
        if (taken.Count > 0) return AuthApi.Taken(taken);
        return UserDto.From(user, "offline");
    }

    public async Task<List<UserDto>> BotsAsync(string keyId, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        var ids = await connection.QueryAsync<string>("SELECT id FROM users WHERE owner_key_id = @keyId AND deleted_at IS NULL ORDER BY id", new { keyId });
        return (await users.GetManyAsync(ids, ct)).Select(u => UserDto.From(u, "offline")).ToList();
    }

    /// <summary>A token for a person, or for a bot of this key; lifetime in seconds (default Auth:TokenLifetime, at most 90 days).</summary>
    public async Task<Outcome<AppToken>> TokenAsync(string keyId, AppTokenRequest r, CancellationToken ct)
    {
        var v = new Validator();
        v.Check(r.UserId is not null && Guid.TryParseExact(r.UserId, "D", out _), "userId", "userId is required: a user id");
        v.Check(r.Lifetime is null or (>= 60 and <= MaxTokenSeconds), "lifetime", "lifetime is in seconds, 60 to 7776000 (90 days)");
        if (v.Failed) return v.ToFailure();
        var user = await users.GetAsync(r.UserId!, ct);
        if (user is null || user.IsDeleted || user.Kind == UserKinds.Agent || (user.Kind == UserKinds.Bot && user.OwnerKeyId != keyId)) return Failure.UserNotFound;
        if (user.IsSuspended(Clock.NowMs())) return Failure.Forbidden("The account is suspended");
        var token = tokens.Issue(user.Id, user.SecurityStamp, r.Lifetime is { } seconds ? TimeSpan.FromSeconds(seconds) : null);
        return new AppToken(token.Token, "Bearer", token.ExpiresAt, user.Id);
    }

    public async Task<Outcome<ConversationDto>> CreateConversationAsync(AppConversationRequest r, CancellationToken ct)
    {
        if (r.OwnerId is null || !Guid.TryParseExact(r.OwnerId, "D", out _)) return Failure.Invalid("ownerId", "ownerId is required: the user who creates and owns it");
        var request = new CreateConversationRequest(r.Type, null, r.MemberIds, null, null, null, null, r.Name, r.Description, r.Picture, null, null, null);
        var spec = request.Validate();
        if (!spec.Ok) return spec.Error!;
        if (await users.GetAsync(r.OwnerId, ct) is not { IsDeleted: false, Kind: UserKinds.Human or UserKinds.Bot }) return Failure.NotFound("Owner not found");
        var created = await conversations.CreateAsync(r.OwnerId, spec.Value!, ct);
        return created.Ok ? created.Value.Conversation : created.Error!;
    }

    public async Task<Outcome<ConversationDto>> AddMembersAsync(string conversationId, AppMembersRequest r, CancellationToken ct)
    {
        if (r.UserIds is not { Count: > 0 and <= 500 } ids || ids.Any(id => id is null || !Guid.TryParseExact(id, "D", out _)))
            return Failure.Invalid("userIds", "userIds is 1 to 500 user ids");
        return await OwnerOfAsync(conversationId, ct) is { } owner ? await conversations.AddMembersAsync(owner, conversationId, ids, ct) : Failure.ConversationNotFound;
    }

    public async Task<Outcome<ConversationDto?>> RemoveMemberAsync(string conversationId, string userId, CancellationToken ct) =>
        await OwnerOfAsync(conversationId, ct) is { } owner ? await conversations.RemoveMemberAsync(owner, conversationId, userId, ct) : Failure.ConversationNotFound;

    /// <summary>The key manages members as the conversation's owner would (groups and channels have one).</summary>
    private async Task<string?> OwnerOfAsync(string conversationId, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        return await connection.QueryFirstOrDefaultAsync<string?>(
            "SELECT user_id FROM members WHERE conversation_id = @conversationId AND role = @owner", new { conversationId, owner = Roles.Owner });
    }
}
