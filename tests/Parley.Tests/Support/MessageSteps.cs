using System.Text.Json;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Parley.Server.Data;

namespace Parley.Tests.Support;

/// <summary>The steps message and read-state tests repeat: open a conversation, send, page, look at the database.</summary>
public static class MessageSteps
{
    public static async Task<string> DirectWithAsync(this TestUser me, TestUser other) =>
        (await me.PostAsync("/api/conversations", new { type = "direct", participantId = other.Id })).Data.Str("id");

    public static async Task<string> GroupAsync(this TestUser owner, string type, params TestUser[] others) =>
        (await owner.PostAsync("/api/conversations", new { type, name = $"{type} {Guid.NewGuid():N}", participantIds = others.Select(o => o.Id) }))
        .Expect(201).Str("id");

    public static async Task<JsonElement> SendAsync(this TestUser me, string conversationId, string content) =>
        (await me.PostAsync($"/api/conversations/{conversationId}/messages", new { content })).Expect(201);

    public static async Task<List<JsonElement>> HistoryAsync(this TestUser me, string conversationId, string query = "limit=100") =>
        (await me.GetAsync($"/api/conversations/{conversationId}/messages?{query}")).Expect(200).GetProperty("messages").EnumerateArray().ToList();

    public static async Task<long> UnreadAsync(this TestUser me, string conversationId) =>
        (await me.GetAsync($"/api/messages/unread/count/{conversationId}")).Expect(200).GetProperty("unreadCount").GetInt64();

    public static async Task<long> ScalarAsync(this ParleyApp app, string sql, object? args = null)
    {
        await using var connection = await app.Services.GetRequiredService<Db>().OpenAsync();
        return await connection.ExecuteScalarAsync<long>(sql, args);
    }

    public static Task<long> EventCountAsync(this ParleyApp app, string type, string conversationId) =>
        app.ScalarAsync("SELECT COUNT(*) FROM events WHERE type = @type AND conversation_id = @conversationId", new { type, conversationId });

    public static long Seq(this JsonElement message) => message.GetProperty("seq").GetInt64();
}
