using System.Text.Json;
using Dapper;
using Parley.Server.Api;
using Parley.Server.Conversations;
using Parley.Server.Data;
using Parley.Server.Events;
using Parley.Server.Users;

namespace Parley.Server.Messages;

/// <summary>
/// "alice added bob": membership changes in groups and channels leave a <c>system</c> message in history,
/// written inside the membership transaction (called from <see cref="MembershipHooks"/>). The sender is the
/// actor; the payload is {event, userId, userIds, role?}.
/// </summary>
public static class SystemMessages
{
    public const string Added = "member_added";
    public const string Removed = "member_removed";
    public const string Left = "member_left";
    public const string RoleChanged = "role_changed";
    public const string OwnerChanged = "owner_changed";
    public const string SlowMode = "slow_mode";
    public const string Banned = "member_banned";
    public const string Unbanned = "member_unbanned";
    public const string TimedOut = "member_timeout";

    public static Task MembersAddedAsync(EventBatch batch, ConversationRow c, string actorId, IReadOnlyList<MemberRow> added) =>
        // Members added with the conversation itself (joined the moment it was created) are its creation, not a change.
        added.Count == 0 || added.All(m => m.JoinedAt == c.CreatedAt) ? Task.CompletedTask
            : AppendAsync(batch, c, actorId, Added, added.Select(m => m.UserId).ToList(), null);

    public static Task MemberRemovedAsync(EventBatch batch, ConversationRow c, string actorId, string userId, string reason) =>
        AppendAsync(batch, c, actorId, reason == "banned" ? Banned : reason == "left" || actorId == userId ? Left : Removed, [userId], null);

    public static Task SlowModeChangedAsync(EventBatch batch, ConversationRow c, string actorId) =>
        AppendAsync(batch, c, actorId, SlowMode, [actorId], null, c.SlowModeSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>A moderation action on one member (<see cref="Banned"/>, <see cref="Unbanned"/>, <see cref="TimedOut"/>) with its detail (the end time).</summary>
    public static Task ModeratedAsync(EventBatch batch, ConversationRow c, string actorId, string kind, string userId, string? detail) =>
        AppendAsync(batch, c, actorId, kind, [userId], null, detail);

    /// <summary>An owner handing over steps down to ADMIN first; that half of the hand-over is not announced on its own.</summary>
    public static Task RoleChangedAsync(EventBatch batch, ConversationRow c, string actorId, string userId, string role) =>
        role == Roles.Owner ? AppendAsync(batch, c, actorId, OwnerChanged, [userId], role)
        : userId == actorId ? Task.CompletedTask
        : AppendAsync(batch, c, actorId, RoleChanged, [userId], role);

    private static async Task AppendAsync(EventBatch batch, ConversationRow c, string actorId, string kind, IReadOnlyList<string> userIds, string? role,
        string? detail = null)
    {
        if (!ConversationTypes.HasRoles(c.Type)) return;
        var args = new DynamicParameters();
        var people = (await batch.Connection.QueryAsync<MessageRow>(
            $"""
            SELECT id AS sender_id, username AS sender_username, name AS sender_name, profile_picture AS sender_picture, deleted_at AS sender_deleted_at
            FROM users WHERE id IN {MessageStore.InList("u", userIds.Append(actorId).Distinct(), args)}
            """, args, batch.Transaction)).ToDictionary(p => p.SenderId);
        string Name(string id) => people.TryGetValue(id, out var p) ? MessageSender.Of(p).Name : UserDto.DeletedName;

        var now = Clock.NowMs();
        var row = people.GetValueOrDefault(actorId) ?? new MessageRow { SenderId = actorId };
        row.Id = Guid.CreateVersion7().ToString();
        row.ConversationId = c.Id;
        row.Type = MessageTypes.System;
        row.CreatedAt = now;
        row.Content = Describe(kind, Name(actorId), userIds.Select(Name).ToList(), role, detail);
        row.Payload = JsonSerializer.Serialize(new { @event = kind, userId = userIds[0], userIds, actorId, role, detail }, JsonSetup.Default);
        var appended = await MessageStore.AppendAsync(batch, row, null);
        if (appended.Ok) (c.LastSeq, c.LastMessageAt) = (appended.Value!.Seq, now);
    }

    private static string Describe(string kind, string actor, List<string> users, string? role, string? detail) => kind switch
    {
        SlowMode => detail == "0" ? $"{actor} turned off slow mode" : $"{actor} turned on slow mode ({detail} s)",
        Banned => detail is null ? $"{actor} banned {users[0]}" : $"{actor} banned {users[0]} until {detail}",
        Unbanned => $"{actor} lifted the ban on {users[0]}",
        TimedOut => detail is null ? $"{actor} ended the timeout of {users[0]}" : $"{actor} timed out {users[0]} until {detail}",
        Added => $"{actor} added {List(users)}",
        Removed => $"{actor} removed {users[0]}",
        Left => $"{users[0]} left",
        OwnerChanged => $"{users[0]} is now the owner",
        _ => $"{actor} made {users[0]} {(role == Roles.Admin ? "an admin" : "a member")}",
    };

    private static string List(List<string> names) => names.Count switch
    {
        1 => names[0],
        <= 3 => string.Join(", ", names[..^1]) + " and " + names[^1],
        _ => $"{names[0]}, {names[1]} and {names.Count - 2} others",
    };
}

/// <summary>Posts the system message of each membership change (see <see cref="SystemMessages"/>).</summary>
public sealed class MembershipSystemMessages : IMembershipObserver
{
    public Task MembersAddedAsync(EventBatch batch, ConversationRow c, string actorId, IReadOnlyList<MemberRow> added) =>
        SystemMessages.MembersAddedAsync(batch, c, actorId, added);

    public Task MemberRemovedAsync(EventBatch batch, ConversationRow c, string actorId, string userId, string reason) =>
        SystemMessages.MemberRemovedAsync(batch, c, actorId, userId, reason);

    public Task RoleChangedAsync(EventBatch batch, ConversationRow c, string actorId, string userId, string role) =>
        SystemMessages.RoleChangedAsync(batch, c, actorId, userId, role);

    public Task SlowModeChangedAsync(EventBatch batch, ConversationRow c, string actorId) => SystemMessages.SlowModeChangedAsync(batch, c, actorId);
}
