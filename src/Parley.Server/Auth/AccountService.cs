using Microsoft.AspNetCore.Identity;
using Parley.Server.Api;
using Parley.Server.Conversations;
using Parley.Server.Data;
using Parley.Server.Events;
using Parley.Server.Users;

namespace Parley.Server.Auth;

public sealed record UpdateUserRequest(string? Username, string? Email, string? Name, string? ProfilePicture, string? Password, string? CurrentPassword);

/// <summary>A changed profile; with a new password also the fresh token (every earlier one is revoked).</summary>
public sealed record AccountUpdate(UserRow User, IssuedToken? Token);

/// <summary>A person's own account: profile and password changes, and deleting it.</summary>
public sealed class AccountService(UserStore users, IPasswordHasher<UserRow> hasher, Revocations revocations, TokenService tokens,
    ConversationService conversations, EventScope scope)
{
    public async Task<Outcome<AccountUpdate>> UpdateAsync(string callerId, string id, UpdateUserRequest r, CancellationToken ct)
    {
        if (id != callerId) return await users.GetAsync(id, ct) is null ? Failure.UserNotFound : Failure.Forbidden("You can only change your own profile");
        var v = new Validator();
        UserRules.Username(v, r.Username, required: false);
        UserRules.Email(v, AuthApi.Blank(r.Email));
        UserRules.Name(v, r.Name);
        UserRules.Picture(v, "profilePicture", r.ProfilePicture);
        UserRules.Password(v, r.Password, required: false);
        if (v.Failed) return v.ToFailure();

        var row = await users.GetAsync(id, ct);
        if (row is null || row.IsDeleted) return Failure.UserNotFound;
        // currentPassword is optional (seed 002 clients never send it), but when sent it must be right.
        if (!string.IsNullOrEmpty(r.CurrentPassword) && hasher.VerifyHashedPassword(row, row.PasswordHash, r.CurrentPassword) == PasswordVerificationResult.Failed)
            return Failure.Invalid("currentPassword", "Current password is incorrect");
        row.Username = r.Username ?? row.Username;
        row.Email = r.Email is null ? row.Email : AuthApi.Blank(r.Email);
        row.Name = r.Name?.Trim() ?? row.Name;
        row.ProfilePicture = r.ProfilePicture is null ? row.ProfilePicture : AuthApi.Blank(r.ProfilePicture);
        var passwordChanged = r.Password is not null;
        if (passwordChanged)
        {
            row.PasswordHash = hasher.HashPassword(row, r.Password!);
            row.SecurityStamp = Guid.NewGuid().ToString("N");
        }
        row.UpdatedAt = Clock.NowMs();
        var taken = await users.UpdateAsync(row, passwordChanged, ct);
        if (taken.Count > 0) return AuthApi.Taken(taken);
        if (!passwordChanged) return new AccountUpdate(row, null);

        // Every earlier token is revoked now, on every node, and its sockets are closed; the caller continues with the fresh one.
        await revocations.StampChangedAsync(id);
        return new AccountUpdate(row, tokens.Issue(row.Id, row.SecurityStamp));
    }

    /// <summary>Leaves every conversation and deletes the account in one transaction, then revokes its tokens.</summary>
    public async Task<Outcome<bool>> DeleteAsync(string callerId, string id, CancellationToken ct)
    {
        if (id != callerId) return await users.GetAsync(id, ct) is null ? Failure.UserNotFound : Failure.Forbidden("You can only delete your own account");
        await scope.WriteAsync(async batch =>
        {
            await conversations.LeaveAllAsync(batch, id);
            await users.SoftDeleteAsync(batch.Connection, batch.Transaction, id, Clock.NowMs());
            return true;
        }, ct);
        await revocations.StampChangedAsync(id);
        return true;
    }
}
