using System.Text.Json;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Parley.Server.Data;

namespace Parley.Tests.Support;

/// <summary>An event as stored in the log (what resume and /api/sync replay).</summary>
public sealed record StoredEvent(long Cursor, string Type, JsonElement Data);

/// <summary>The steps the agent tests repeat: open an AI conversation, ask, wait for the finished answer, read the event log.</summary>
public static class AgentSteps
{
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    public static async Task<string> AiConversationAsync(this TestUser me) =>
        (await me.PostAsync("/api/conversations", new { is_ai = true })).Expect(201).Str("id");

    public static async Task<string> AgentIdAsync(this TestUser me) => (await me.GetAsync("/api/agents")).Expect(200)[0].Str("id");

    public static bool IsStreaming(this JsonElement message) =>
        message.GetProperty("payload") is { ValueKind: JsonValueKind.Object } p && p.GetProperty("streaming").GetBoolean();

    public static string Status(this JsonElement message) => message.GetProperty("payload").Str("status");

    /// <summary>The agent's answer to <paramref name="questionId"/> once it is final (polls the history).</summary>
    public static Task<JsonElement> AnswerAsync(this TestUser me, string conversationId, string questionId) =>
        me.AnswerWhereAsync(conversationId, questionId, m => !m.IsStreaming() || m.GetProperty("deleted").GetBoolean());

    /// <summary>The agent's answer to <paramref name="questionId"/> once it matches (polls the history).</summary>
    public static async Task<JsonElement> AnswerWhereAsync(this TestUser me, string conversationId, string questionId, Func<JsonElement, bool> done)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (true)
        {
            var answer = (await me.HistoryAsync(conversationId)).FirstOrDefault(m => m.GetProperty("replyToId").GetString() == questionId);
            if (answer.ValueKind == JsonValueKind.Object && done(answer)) return answer;
            Assert.True(DateTime.UtcNow < deadline, $"no answer to {questionId} in {Patience.TotalSeconds} s; last seen: {answer}");
            await Task.Delay(25);
        }
    }

    /// <summary>The messages of a conversation the agent sent.</summary>
    public static async Task<List<JsonElement>> AgentMessagesAsync(this TestUser me, string conversationId, string agentId) =>
        (await me.HistoryAsync(conversationId)).Where(m => m.Str("senderId") == agentId).ToList();

    public static async Task<List<StoredEvent>> EventsAsync(this ParleyApp app, string conversationId, long after = 0)
    {
        await using var connection = await app.Services.GetRequiredService<Db>().OpenAsync();
        var rows = await connection.QueryAsync<(long Id, string Type, string Data)>(
            "SELECT id, type, data FROM events WHERE conversation_id = @conversationId AND id > @after ORDER BY id", new { conversationId, after });
        return rows.Select(r => new StoredEvent(r.Id, r.Type, JsonDocument.Parse(r.Data).RootElement.Clone())).ToList();
    }

    /// <summary>Deltas put back together by offset; every delta must start where the text so far ends.</summary>
    public static string Assemble(IEnumerable<JsonElement> deltas, string start = "")
    {
        var text = start;
        foreach (var d in deltas)
        {
            Assert.Equal(text.Length, d.GetProperty("offset").GetInt32());
            text += d.Str("text");
        }
        return text;
    }
}
