using System.Collections.Concurrent;
using System.Collections.Frozen;
using System.Data.Common;
using System.Text.Json;
using Dapper;
using Parley.Server.Api;
using Parley.Server.Data;
using Parley.Server.Events;

namespace Parley.Server.Safety;

/// <summary>
/// Who each user has blocked, kept in memory so fan-out asks no query per delivery: loaded once per user, dropped
/// on every node when that user blocks or unblocks someone (the internal event <see cref="Changed"/> on the bus).
/// The SQL fragments keep the queries (history counts, search, resume) in agreement with it.
/// </summary>
public sealed class BlockList(Db db, IEventBus bus) : IHostedService
{
    public const string Changed = ChatEvent.InternalPrefix + "blocks_changed";

    /// <summary>The one answer to a direct message across a block, whoever blocked whom: it does not tell who did.</summary>
    public static readonly Failure CannotMessage = new(403, "blocked", "You cannot message this user");

    /// <summary>
    /// SQL: the row's <paramref name="senderColumn"/> is nobody <paramref name="viewerParameter"/> blocked (needs the
    /// user_blocks table only; the same text on SQLite and PostgreSQL).
    /// </summary>
    public static string NotBlocked(string senderColumn, string viewerParameter = "@userId") =>
        $"NOT EXISTS (SELECT 1 FROM user_blocks ub WHERE ub.blocker_id = {viewerParameter} AND ub.blocked_id = {senderColumn})";

    private const int MaxUsers = 100_000;
    private readonly ConcurrentDictionary<string, FrozenSet<string>> _cache = new(StringComparer.Ordinal);
    private long _epoch;

    /// <summary>Whether <paramref name="viewerId"/> has blocked <paramref name="actorId"/>: from memory after the first load.</summary>
    public ValueTask<bool> HidesAsync(string viewerId, string actorId)
    {
        if (viewerId == actorId) return ValueTask.FromResult(false);
        return _cache.TryGetValue(viewerId, out var blocked) ? ValueTask.FromResult(blocked.Contains(actorId)) : LoadAndCheckAsync(viewerId, actorId);
    }

    private async ValueTask<bool> LoadAndCheckAsync(string viewerId, string actorId) => (await BlockedByAsync(viewerId)).Contains(actorId);

    public async ValueTask<FrozenSet<string>> BlockedByAsync(string userId, CancellationToken ct = default)
    {
        if (_cache.TryGetValue(userId, out var cached)) return cached;
        var epoch = Interlocked.Read(ref _epoch);
        await using var connection = await db.OpenAsync(ct);
        var set = (await connection.QueryAsync<string>("SELECT blocked_id FROM user_blocks WHERE blocker_id = @userId", new { userId }))
            .ToFrozenSet(StringComparer.Ordinal);
        // A load that overlapped a change may hold the old list: use it once, keep it only when nothing changed meanwhile.
        if (Interlocked.Read(ref _epoch) == epoch)
        {
            if (_cache.Count >= MaxUsers) _cache.Clear();
            _cache[userId] = set;
        }
        return set;
    }

    /// <summary>Whether either of two users has blocked the other (a direct conversation between them is closed).</summary>
    public static async Task<bool> EitherWayAsync(DbConnection connection, DbTransaction? tx, string a, string b) =>
        await connection.ExecuteScalarAsync<long>(
            """
            SELECT COUNT(*) FROM user_blocks
            WHERE (blocker_id = @a AND blocked_id = @b) OR (blocker_id = @b AND blocked_id = @a)
            """, new { a, b }, tx) > 0;

    /// <summary>Call after the change committed: forgets the list here at once and on every other node through the bus.</summary>
    public async Task ChangedAsync(string blockerId)
    {
        Forget(blockerId);
        var data = JsonSerializer.SerializeToUtf8Bytes(new { userId = blockerId }, JsonSetup.Default);
        await bus.PublishAsync([new ChatEvent(0, Changed, null, blockerId, Clock.NowMs(), data)]);
    }

    private void Forget(string userId)
    {
        Interlocked.Increment(ref _epoch);
        _cache.TryRemove(userId, out _);
    }

    public Task StartAsync(CancellationToken ct)
    {
        bus.Subscribe(e =>
        {
            if (e.Type == Changed && e.UserId is { } userId) Forget(userId);
            return ValueTask.CompletedTask;
        });
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken ct) => Task.CompletedTask;
}
