using Parley.Server.Data;

namespace Parley.Server.Users;

public sealed class UserRow
{
    public string Id { get; set; } = "";
    public string Username { get; set; } = "";
    public string? Email { get; set; }
    public string? Name { get; set; }
    public string? ProfilePicture { get; set; }
    public string PasswordHash { get; set; } = "";
    public string SecurityStamp { get; set; } = "";
    public string Kind { get; set; } = UserKinds.Human;
    public string? Status { get; set; }
    public long? LastSeenAt { get; set; }
    public long CreatedAt { get; set; }
    public long UpdatedAt { get; set; }
    public long? DeletedAt { get; set; }
    public bool IsAdmin { get; set; }
    public long? SuspendedAt { get; set; }
    public long? SuspendedUntil { get; set; }
    public string? SuspensionReason { get; set; }
    /// <summary>The server API key that owns a bot (written at creation only).</summary>
    public string? OwnerKeyId { get; set; }

    public bool IsDeleted => DeletedAt is not null;

    /// <summary>Suspended by a server administrator and not yet lifted or run out.</summary>
    public bool IsSuspended(long now) => SuspendedAt is not null && (SuspendedUntil is null || SuspendedUntil > now);
}

public static class UserKinds
{
    public const string Human = "human";
    public const string Agent = "agent";
    /// <summary>A bot user a server API key owns (Integrations): no password, acts through the key.</summary>
    public const string Bot = "bot";
}

/// <summary>A user as others see them. No hash or stamp ever leaves the server.</summary>
public sealed record UserDto(
    string Id, string Username, string? Email, string Name, string? ProfilePicture, string Status,
    DateTimeOffset? LastSeenAt, DateTimeOffset CreatedAt, bool IsAgent, bool Deleted, bool IsAdmin = false, bool IsBot = false)
{
    public const string DeletedName = "Deleted user";

    /// <summary>The user as shown; what others may not see is left out (email and last seen as null) by Presence/UserPrivacy.</summary>
    public static UserDto From(UserRow row, string status, bool showEmail = true, bool showLastSeen = true) => row.IsDeleted
        ? new UserDto(row.Id, "deleted", null, DeletedName, null, "offline", null, Clock.ToTime(row.CreatedAt), false, true)
        : new UserDto(row.Id, row.Username, showEmail ? row.Email : null, row.Name ?? row.Username, row.ProfilePicture, status,
            showLastSeen ? Clock.ToTime(row.LastSeenAt) : null, Clock.ToTime(row.CreatedAt), row.Kind == UserKinds.Agent, false, row.IsAdmin,
            row.Kind == UserKinds.Bot);
}

public sealed record AuthResponse(string Token, string TokenType, DateTimeOffset ExpiresAt, UserDto User);
