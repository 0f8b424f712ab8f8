using Parley.Server.Data;
using Parley.Server.Users;

namespace Parley.Server.Conversations;

public static class ConversationTypes
{
    public const string Direct = "direct";
    public const string Group = "group";
    public const string Channel = "channel";
    public const string Ai = "ai";

    /// <summary>The seeds' names for the four types ("private", "1on1", ...); null when unknown.</summary>
    public static string? Normalize(string? type) => type?.Trim().ToLowerInvariant() switch
    {
        "direct" or "private" or "1on1" or "one_to_one" or "dm" or "personal" => Direct,
        "group" => Group,
        "channel" or "broadcast" => Channel,
        "ai" or "agent" or "bot" => Ai,
        _ => null,
    };

    public static bool HasRoles(string type) => type is Group or Channel;
}

public static class Roles
{
    public const string Owner = "OWNER";
    public const string Admin = "ADMIN";
    public const string Member = "MEMBER";

    public static bool IsAdmin(string role) => role is Owner or Admin;
}

public sealed class ConversationRow
{
    public string Id { get; set; } = "";
    public string Type { get; set; } = "";
    public string? Name { get; set; }
    public string? Description { get; set; }
    public string? Picture { get; set; }
    public string CreatedBy { get; set; } = "";
    public long CreatedAt { get; set; }
    public long UpdatedAt { get; set; }
    public long LastSeq { get; set; }
    public long? LastMessageAt { get; set; }
    public long? DeletedAt { get; set; }
    public int SlowModeSeconds { get; set; }
}

public sealed class MemberRow
{
    public string ConversationId { get; set; } = "";
    public string UserId { get; set; } = "";
    public string Role { get; set; } = Roles.Member;
    public long JoinedAt { get; set; }
    public long LastReadSeq { get; set; }
    public long? LastReadAt { get; set; }
    public bool Muted { get; set; }
    public long? MutedUntil { get; set; }
    public long? TimeoutUntil { get; set; }

    /// <summary>Muted now: until lifted, or until the time given.</summary>
    public bool IsMuted(long now) => Muted && (MutedUntil is null || MutedUntil > now);
}

/// <summary>A list row: the conversation, my membership, my unread count and the last message.</summary>
public sealed class ConversationListRow
{
    public string Id { get; set; } = "";
    public string Type { get; set; } = "";
    public string? Name { get; set; }
    public string? Description { get; set; }
    public string? Picture { get; set; }
    public string CreatedBy { get; set; } = "";
    public long CreatedAt { get; set; }
    public long UpdatedAt { get; set; }
    public long LastSeq { get; set; }
    public long? LastMessageAt { get; set; }
    public string MyRole { get; set; } = "";
    public long MyLastReadSeq { get; set; }
    public long UnreadCount { get; set; }
    public long MemberCount { get; set; }
    public string? LmId { get; set; }
    public string? LmSenderId { get; set; }
    public string? LmType { get; set; }
    public string? LmContent { get; set; }
    public long? LmCreatedAt { get; set; }
    public long? LmDeletedAt { get; set; }
    public int SlowModeSeconds { get; set; }
    public bool Muted { get; set; }
    public long? MutedUntil { get; set; }

    public ConversationRow Conversation() => new()
    {
        Id = Id, Type = Type, Name = Name, Description = Description, Picture = Picture, CreatedBy = CreatedBy,
        CreatedAt = CreatedAt, UpdatedAt = UpdatedAt, LastSeq = LastSeq, LastMessageAt = LastMessageAt, SlowModeSeconds = SlowModeSeconds,
    };

    public MemberRow Me(string userId) => new() { ConversationId = Id, UserId = userId, Role = MyRole, Muted = Muted, MutedUntil = MutedUntil };
}

public sealed record MemberDto(
    string Id, string UserId, string Username, string Name, string? Email, string? ProfilePicture, string Status, bool IsAgent,
    string Role, DateTimeOffset JoinedAt, long LastReadSeq, DateTimeOffset? LastReadAt);

public sealed record LastMessageDto(
    string Id, long Seq, string SenderId, string Type, string? Content, string? Message, DateTimeOffset CreatedAt, DateTimeOffset Timestamp, bool Deleted);

public sealed record ConversationDto(
    string Id, string Type, string? Name, string? Description, string? Picture, string CreatedBy, string Status,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, long LastSeq, DateTimeOffset? LastMessageAt, LastMessageDto? LastMessage,
    string? MyRole, long UnreadCount, long MemberCount, IReadOnlyList<MemberDto> Members,
    int SlowModeSeconds = 0, bool Muted = false, DateTimeOffset? MutedUntil = null)
{
    public bool IsGroup => Type is ConversationTypes.Group or ConversationTypes.Channel;
    public bool IsAi => Type == ConversationTypes.Ai;
}

public static class MemberDtoFactory
{
    public static MemberDto From(MemberRow m, UserDto u) =>
        new(u.Id, u.Id, u.Username, u.Name, u.Email, u.ProfilePicture, u.Status, u.IsAgent, m.Role,
            Clock.ToTime(m.JoinedAt), m.LastReadSeq, Clock.ToTime(m.LastReadAt));
}
