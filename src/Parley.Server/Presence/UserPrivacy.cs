using Dapper;
using Microsoft.Extensions.Options;
using Parley.Server.Data;
using Parley.Server.Users;

namespace Parley.Server.Presence;

public enum EmailVisibility { Self, Members, Everyone }

/// <summary>Privacy__EmailVisibility (self | members | everyone) and Privacy__HideLastSeen.</summary>
public sealed class PrivacyOptions
{
    public EmailVisibility EmailVisibility { get; set; } = EmailVisibility.Self;
    public bool HideLastSeen { get; set; }
}

/// <summary>
/// What one user sees of others. Email: by <see cref="PrivacyOptions.EmailVisibility"/>, else <c>null</c> (the field
/// stays, so clients keep their shape). Presence (status, online, last seen): only between users who share a
/// conversation, the same rule as presence events; last seen for nobody but oneself when <see cref="PrivacyOptions.HideLastSeen"/>.
/// </summary>
public sealed class UserPrivacy(IOptions<PrivacyOptions> options, Db db, PresenceTracker presence)
{
    public PrivacyOptions Options => options.Value;

    /// <summary>Which of <paramref name="userIds"/> share a live conversation with <paramref name="viewerId"/>.</summary>
    public async Task<IReadOnlySet<string>> ContactsAsync(string viewerId, IEnumerable<string> userIds, CancellationToken ct = default)
    {
        var list = userIds.Where(id => id != viewerId).Distinct().ToArray();
        if (list.Length == 0) return new HashSet<string>();
        await using var connection = await db.OpenAsync(ct);
        var found = await connection.QueryAsync<string>(
            $"""
            SELECT DISTINCT o.user_id FROM members me
            JOIN members o ON o.conversation_id = me.conversation_id
            JOIN conversations c ON c.id = me.conversation_id
            WHERE me.user_id = @viewerId AND c.deleted_at IS NULL AND o.user_id {db.In("list")}
            """, new { viewerId, list });
        return found.ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>The users as <paramref name="viewerId"/> sees them; <paramref name="allContacts"/>: they share a conversation for certain (a member list).</summary>
    public async Task<List<UserDto>> ViewAsync(IReadOnlyList<UserRow> rows, string viewerId, bool allContacts = false, CancellationToken ct = default)
    {
        var contacts = allContacts ? null : await ContactsAsync(viewerId, rows.Select(r => r.Id), ct);
        bool Contact(UserRow r) => contacts is null || contacts.Contains(r.Id);
        var visible = rows.Where(r => r.Id == viewerId || Contact(r) || r.Kind == UserKinds.Agent).ToList();
        var statuses = await presence.StatusesAsync(visible, viewerId, ct);
        return [.. rows.Select(r => View(r, viewerId, Contact(r), statuses.GetValueOrDefault(r.Id)))];
    }

    public async Task<UserDto> ViewAsync(UserRow row, string viewerId, CancellationToken ct = default) =>
        (await ViewAsync([row], viewerId, ct: ct))[0];

    private UserDto View(UserRow row, string viewerId, bool contact, string? status)
    {
        var self = row.Id == viewerId;
        var email = self || Options.EmailVisibility == EmailVisibility.Everyone || (contact && Options.EmailVisibility == EmailVisibility.Members);
        var lastSeen = self || (status is not null && !Options.HideLastSeen);
        return UserDto.From(row, status ?? "offline", showEmail: email, showLastSeen: lastSeen);
    }
}
