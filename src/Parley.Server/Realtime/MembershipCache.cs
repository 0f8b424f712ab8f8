using System.Collections.Concurrent;
using System.Text.Json;
using Dapper;
using Parley.Server.Conversations;
using Parley.Server.Data;
using Parley.Server.Events;

namespace Parley.Server.Realtime;

/// <summary>
/// Who belongs to each conversation, kept in memory so fan-out does not query per event. Membership events
/// (which every node sees on the bus) invalidate their conversation before they are delivered.
/// </summary>
public sealed class MembershipCache(Db db) : IConversationMembers
{
    private const int MaxConversations = 100_000;

    public sealed record Members(string[] UserIds, bool Deleted)
    {
        public bool Contains(string userId) => !Deleted && Array.IndexOf(UserIds, userId) >= 0;
    }

    private readonly ConcurrentDictionary<string, Members> _cache = new(StringComparer.Ordinal);
    private long _epoch;

    public async ValueTask<Members> GetAsync(string conversationId, CancellationToken ct = default)
    {
        if (_cache.TryGetValue(conversationId, out var cached)) return cached;
        // A load that overlaps an invalidation may have read the old membership: use it once, do not keep it.
        var epoch = Interlocked.Read(ref _epoch);
        await using var connection = await db.OpenAsync(ct);
        var rows = (await connection.QueryAsync<(long? DeletedAt, string? UserId)>(
            "SELECT c.deleted_at, m.user_id FROM conversations c LEFT JOIN members m ON m.conversation_id = c.id WHERE c.id = @conversationId",
            new { conversationId })).AsList();
        var members = new Members(rows.Where(r => r.UserId is not null).Select(r => r.UserId!).ToArray(), rows.Count == 0 || rows[0].DeletedAt is not null);
        if (Interlocked.Read(ref _epoch) == epoch)
        {
            if (_cache.Count >= MaxConversations) _cache.Clear();
            _cache[conversationId] = members;
        }
        return members;
    }

    public async ValueTask<bool> IsMemberAsync(string conversationId, string userId, CancellationToken ct = default) =>
        (await GetAsync(conversationId, ct)).Contains(userId);

    public void Invalidate(string conversationId)
    {
        Interlocked.Increment(ref _epoch);
        _cache.TryRemove(conversationId, out _);
    }

    /// <summary>Events that change who is in a conversation; the id is in the payload for personal copies.</summary>
    public static string? ChangedConversation(ChatEvent e)
    {
        if (e.Type is not (ConversationEventTypes.MemberAdded or ConversationEventTypes.MemberRemoved or ConversationEventTypes.ConversationNew or ConversationEventTypes.ConversationDeleted))
            return null;
        if (e.ConversationId is not null) return e.ConversationId;
        var reader = new Utf8JsonReader(e.Data.Span);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isId = reader.ValueTextEquals("conversationId"u8);
            reader.Read();
            if (isId) return reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
            reader.Skip();
        }
        return null;
    }
}
