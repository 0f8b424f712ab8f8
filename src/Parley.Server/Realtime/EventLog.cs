using System.Data.Common;
using System.Text.Json;
using Parley.Server.Api;
using Parley.Server.Data;

namespace Parley.Server.Realtime;

/// <summary>
/// Appends events inside the transaction that makes the change, so an event exists exactly when its change
/// does; the caller publishes them on the <see cref="IEventBus"/> after commit.
/// </summary>
public static class EventLog
{
    public static async Task<ChatEvent> AppendAsync<T>(DbConnection connection, DbTransaction tx, string type,
        string? conversationId, string? userId, T data)
    {
        var json = JsonSerializer.SerializeToUtf8Bytes(data, JsonSetup.Default);
        var now = Clock.NowMs();
        await using var statement = Statement.Of(connection, tx,
            "INSERT INTO events (conversation_id, user_id, type, data, created_at) VALUES (@conversationId, @userId, @type, @data, @now) RETURNING id");
        var cursor = await statement.With("conversationId", conversationId).With("userId", userId).With("type", type)
            .With("data", System.Text.Encoding.UTF8.GetString(json)).With("now", now).ScalarAsync<long>();
        return new ChatEvent(cursor, type, conversationId, userId, now, json);
    }
}
