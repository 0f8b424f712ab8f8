using System.Data.Common;
using System.Text.Json;
using Npgsql;
using Parley.Server.Api;
using Parley.Server.Data;

namespace Parley.Server.Events;

/// <summary>
/// Appends events inside the transaction that makes the change, so an event exists exactly when its change
/// does; the caller publishes them on the <see cref="IEventBus"/> after commit. An event's cursor is its id in
/// the log: on SQLite (one writer) ids commit in order; on PostgreSQL they may not, see <see cref="EventReplay"/>.
/// </summary>
public static class EventLog
{
    private const string SqliteAppend =
        "INSERT INTO events (conversation_id, user_id, type, data, created_at) VALUES (@conversationId, @userId, @type, @data, @now) RETURNING id";

    /// <summary>PostgreSQL: the function first announces the transaction to replay, which hands out only settled cursors (migration 006).</summary>
    private const string PostgresAppend = "SELECT parley_append_event(@conversationId::text, @userId::text, @type, @data, @now)";

    public static async Task<ChatEvent> AppendAsync<T>(DbConnection connection, DbTransaction tx, string type,
        string? conversationId, string? userId, T data)
    {
        var json = JsonSerializer.SerializeToUtf8Bytes(data, JsonSetup.Default);
        var now = Clock.NowMs();
        await using var statement = Statement.Of(connection, tx, connection is NpgsqlConnection ? PostgresAppend : SqliteAppend);
        var cursor = await statement.With("@conversationId", conversationId).With("@userId", userId).With("@type", type)
            .With("@data", System.Text.Encoding.UTF8.GetString(json)).With("@now", now).ScalarAsync<long>();
        return new ChatEvent(cursor, type, conversationId, userId, now, json);
    }
}
