using System.Data.Common;
using Parley.Server.Data;
using Parley.Server.Presence;
using Parley.Server.Safety;
using Parley.Server.Users;

namespace Parley.Server.Conversations;

/// <summary>Turns rows into the DTOs clients see, loading the member users in one query.</summary>
public sealed class ConversationViews(UserStore users, UserPrivacy privacy)
{
    public async Task<List<MemberDto>> MembersAsync(IEnumerable<MemberRow> members, string viewerId, CancellationToken ct = default)
    {
        var list = members.ToList();
        var rows = await users.GetManyAsync(list.Select(m => m.UserId), ct);
        // Members share this conversation with the viewer (or are the neutral view's audience): presence shows; email as configured.
        var byId = (await privacy.ViewAsync(rows, viewerId, allContacts: true, ct)).ToDictionary(u => u.Id);
        return list.Where(m => byId.ContainsKey(m.UserId)).Select(m => MemberDtoFactory.From(m, byId[m.UserId])).ToList();
    }

    /// <summary>Full details: every member. <paramref name="viewer"/> null gives the neutral view sent in events.</summary>
    public async Task<ConversationDto> DetailsAsync(DbConnection connection, DbTransaction? tx, ConversationRow c, MemberRow? viewer, CancellationToken ct = default)
    {
        var members = await ConversationStore.MembersAsync(connection, tx, c.Id);
        var dtos = await MembersAsync(members, viewer?.UserId ?? "", ct);
        var unread = viewer is null ? 0 : await UnreadAsync(connection, tx, c.Id, viewer);
        var last = await LastMessageAsync(connection, tx, c);
        return Build(c, viewer, unread, members.Count, dtos, last);
    }

    /// <summary><paramref name="viewer"/>: whose role and mute the view shows (null: the neutral view of events).</summary>
    public static ConversationDto Build(ConversationRow c, MemberRow? viewer, long unread, long memberCount, IReadOnlyList<MemberDto> members, LastMessageDto? last)
    {
        var muted = viewer?.IsMuted(Clock.NowMs()) ?? false;
        return new(c.Id, c.Type, c.Name, c.Description, c.Picture, c.CreatedBy, c.DeletedAt is null ? "active" : "deleted",
            Clock.ToTime(c.CreatedAt), Clock.ToTime(c.UpdatedAt), c.LastSeq, Clock.ToTime(c.LastMessageAt), last,
            viewer?.Role, unread, memberCount, members, c.SlowModeSeconds, muted, muted ? Clock.ToTime(viewer!.MutedUntil) : null);
    }

    public static LastMessageDto? LastMessage(string? id, long seq, string? senderId, string? type, string? content, long? createdAt, long? deletedAt)
    {
        if (id is null) return null;
        var text = deletedAt is null ? content : null;
        var at = Clock.ToTime(createdAt ?? 0);
        return new LastMessageDto(id, seq, senderId!, type!, text, text, at, at, deletedAt is not null);
    }

    private static async Task<LastMessageDto?> LastMessageAsync(DbConnection connection, DbTransaction? tx, ConversationRow c)
    {
        if (c.LastSeq == 0) return null;
        var row = await Dapper.SqlMapper.QuerySingleOrDefaultAsync<(string Id, string SenderId, string Type, string? Content, long CreatedAt, long? DeletedAt)>(
            connection, "SELECT id, sender_id, type, content, created_at, deleted_at FROM messages WHERE conversation_id = @Id AND seq = @LastSeq",
            new { c.Id, c.LastSeq }, tx);
        return row.Id is null ? null : LastMessage(row.Id, c.LastSeq, row.SenderId, row.Type, row.Content, row.CreatedAt, row.DeletedAt);
    }

    private static Task<long> UnreadAsync(DbConnection connection, DbTransaction? tx, string conversationId, MemberRow me) =>
        Dapper.SqlMapper.ExecuteScalarAsync<long>(connection,
            $"SELECT COUNT(*) FROM messages x WHERE x.conversation_id = @conversationId AND x.seq > @LastReadSeq AND x.sender_id <> @UserId AND x.deleted_at IS NULL AND {BlockList.NotBlocked("x.sender_id", "@UserId")}",
            new { conversationId, me.LastReadSeq, me.UserId }, tx);
}
