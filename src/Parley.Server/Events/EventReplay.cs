using System.Data.Common;
using System.Text;
using Dapper;
using Microsoft.Extensions.Options;
using Npgsql;
using Parley.Server.Data;
using Parley.Server.Monitoring;

namespace Parley.Server.Events;

/// <summary>What a user missed since a cursor; Gap when part of it has expired (the client refetches instead).</summary>
public sealed record ReplayPage(IReadOnlyList<ChatEvent> Events, long Cursor, bool HasMore, bool Gap, long ExpiredThrough);

/// <summary>
/// Reads the event log for resume and sync. A user's events are their personal ones plus those of the
/// conversations they are in now, from when they joined: the same audience live fan-out uses.
/// Replay never hands out a cursor past an event that may still appear: on SQLite ids commit in order (one
/// writer), but on PostgreSQL a transaction holding id 10 may commit after the one holding id 11, and a client
/// given cursor 11 would never see 10. There replay stops at the settled head (<see cref="HeadAsync(CancellationToken)"/>).
/// </summary>
public sealed class EventReplay(Db db, IOptions<EventLogOptions> options, ServerMetrics metrics)
{
    private const string Columns = "e.id, e.type, e.conversation_id, e.user_id, e.data, e.created_at";

    public async Task<long> HeadAsync(CancellationToken ct = default)
    {
        await using var connection = await db.OpenAsync(ct);
        return await HeadAsync(connection);
    }

    /// <param name="nextPage">True when this reads on where an earlier page of the same resume stopped (not counted as a request).</param>
    public async Task<ReplayPage> SinceAsync(string userId, long since, int limit, CancellationToken ct = default, bool nextPage = false)
    {
        if (!nextPage) metrics.ResumeRequests.Inc();
        await using var connection = await db.OpenAsync(ct);
        var expired = await ExpiredThroughAsync(connection);
        var head = await HeadAsync(connection);
        if (since < expired)
        {
            metrics.ResumeGaps.Inc();
            return new ReplayPage([], head, false, true, expired);
        }
        var rows = (await connection.QueryAsync<EventRow>(
            $"""
            SELECT * FROM (SELECT {Columns} FROM events e
                WHERE e.user_id = @userId AND e.conversation_id IS NULL AND e.id > @since AND e.id <= @head ORDER BY e.id LIMIT @take) personal
            UNION ALL
            SELECT * FROM (SELECT {Columns} FROM events e
                JOIN members m ON m.conversation_id = e.conversation_id AND m.user_id = @userId
                WHERE e.id > @since AND e.id <= @head AND e.created_at >= m.joined_at ORDER BY e.id LIMIT @take) shared
            ORDER BY id LIMIT @take
            """, new { userId, since, head, take = limit + 1 })).AsList();
        var events = rows.Take(limit).Select(r => r.ToEvent()).ToList();
        return new ReplayPage(events, events.Count > 0 ? events[^1].Cursor : since, rows.Count > limit, false, expired);
    }

    /// <summary>The newest cursor that has expired: pruned already, or older than the retention window.</summary>
    private async Task<long> ExpiredThroughAsync(DbConnection connection) =>
        await connection.ExecuteScalarAsync<long?>(
            """
            SELECT MAX(x) FROM (
                SELECT pruned_through AS x FROM event_retention
                UNION ALL SELECT MAX(id) AS x FROM events WHERE created_at < @cutoff) t
            """, new { cutoff = Cutoff(options.Value) }) ?? 0;

    /// <summary>
    /// The newest settled cursor: every event up to it that will ever exist is visible now. Also when pruning has
    /// emptied the log (else a client would be sent back to 0, a gap forever).
    /// </summary>
    private static async Task<long> HeadAsync(DbConnection connection) =>
        await connection.ExecuteScalarAsync<long?>(connection is NpgsqlConnection ? PostgresHead : SqliteHead) ?? 0;

    private const string SqliteHead = "SELECT MAX(x) FROM (SELECT MAX(id) AS x FROM events UNION ALL SELECT pruned_through AS x FROM event_retention) t";

    /// <summary>
    /// A transaction appending events holds, from before it draws its first id until it ends, a shared advisory
    /// lock whose key carries a value L below all its ids (migration 006). So no transaction still running holds an
    /// id below the lowest such L + 1, and the newest visible event up to there is the head. The events are read in
    /// this statement's snapshot and the locks after it, so a transaction that drew an id below a visible event and
    /// is still running shows in pg_locks. Transactions that append nothing, and other databases, never hold it back.
    /// </summary>
    private const string PostgresHead =
        """
        SELECT MAX(x) FROM (
            SELECT MAX(id) AS x FROM events WHERE id <= COALESCE((
                SELECT MIN(((l.classid::bigint << 32) | l.objid::bigint) & 281474976710655) + 1 FROM pg_locks l
                WHERE l.locktype = 'advisory' AND l.mode = 'ShareLock' AND l.objsubid = 1 AND (l.classid::bigint >> 16) = 20577
                  AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())), 9223372036854775807)
            UNION ALL SELECT pruned_through AS x FROM event_retention) t
        """;

    public static long Cutoff(EventLogOptions options) => Clock.NowMs() - (long)options.EventRetention.TotalMilliseconds;

    private sealed class EventRow
    {
        public long Id { get; set; }
        public string Type { get; set; } = "";
        public string? ConversationId { get; set; }
        public string? UserId { get; set; }
        public string Data { get; set; } = "{}";
        public long CreatedAt { get; set; }

        public ChatEvent ToEvent() => new(Id, Type, ConversationId, UserId, CreatedAt, Encoding.UTF8.GetBytes(Data));
    }
}
