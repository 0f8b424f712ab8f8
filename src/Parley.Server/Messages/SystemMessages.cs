using System.Data.Common;
using System.Text.Json;
using Dapper;
using Parley.Server.Api;
using Parley.Server.Conversations;
using Parley.Server.Data;
using Parley.Server.Realtime;
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

    public static Task MembersAddedAsync(DbConnection connection, DbTransaction tx, ConversationRow c, string actorId,
        IReadOnlyList<MemberRow> added, List<ChatEvent> events) =>
        // Members added with the conversation itself (joined the moment it was created) are its creation, not a change.
        added.Count == 0 || added.All(m => m.JoinedAt == c.CreatedAt) ? Task.CompletedTask
            : AppendAsync(connection, tx, c, actorId, Added, added.Select(m => m.UserId).ToList(), null, events);

    public static Task MemberRemovedAsync(DbConnection connection, DbTransaction tx, ConversationRow c, string actorId, string userId,
        string reason, List<ChatEvent> events) =>
        AppendAsync(connection, tx, c, actorId, reason == "left" || actorId == userId ? Left : Removed, [userId], null, events);

    /// <summary>An owner handing over steps down to ADMIN first; that half of the hand-over is not announced on its own.</summary>
    public static Task RoleChangedAsync(DbConnection connection, DbTransaction tx, ConversationRow c, string actorId, string userId, string role,
        List<ChatEvent> events) =>
        role == Roles.Owner ? AppendAsync(connection, tx, c, actorId, OwnerChanged, [userId], role, events)
        : userId == actorId ? Task.CompletedTask
        : AppendAsync(connection, tx, c, actorId, RoleChanged, [userId], role, events);

    private static async Task AppendAsync(DbConnection connection, DbTransaction tx, ConversationRow c, string actorId, string kind,
        IReadOnlyList<string> userIds, string? role, List<ChatEvent> events)
    {
        if (!ConversationTypes.HasRoles(c.Type)) return;
        var args = new DynamicParameters();
        var people = (await connection.QueryAsync<MessageRow>(
            $"""
            SELECT id AS sender_id, username AS sender_username, name AS sender_name, profile_picture AS sender_picture, deleted_at AS sender_deleted_at
            FROM users WHERE id IN {MessageStore.InList("u", userIds.Append(actorId).Distinct(), args)}
            """, args, tx)).ToDictionary(p => p.SenderId);
        string Name(string id) => people.TryGetValue(id, out var p) ? MessageSender.Of(p).Name : UserDto.DeletedName;

        var now = Clock.NowMs();
        var row = people.GetValueOrDefault(actorId) ?? new MessageRow { SenderId = actorId };
        row.Id = Guid.CreateVersion7().ToString();
        row.ConversationId = c.Id;
        row.Type = MessageTypes.System;
        row.CreatedAt = now;
        row.Content = Describe(kind, Name(actorId), userIds.Select(Name).ToList(), role);
        row.Payload = JsonSerializer.Serialize(new { @event = kind, userId = userIds[0], userIds, actorId, role }, JsonSetup.Default);
        var appended = await MessageStore.AppendAsync(connection, tx, row, null, events);
        if (appended.Ok) (c.LastSeq, c.LastMessageAt) = (appended.Value!.Seq, now);
    }

    private static string Describe(string kind, string actor, List<string> users, string? role) => kind switch
    {
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
