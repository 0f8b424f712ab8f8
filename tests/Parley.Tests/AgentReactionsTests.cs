using Parley.Tests.Support;

namespace Parley.Tests;

/// <summary>Reactions on the agent's answer while it streams: its closing message:updated carries them, as every message view does.</summary>
public sealed class AgentReactionsTests(AgentApp app) : IClassFixture<AgentApp>
{
    [Fact]
    public async Task The_final_update_of_a_streamed_answer_keeps_the_reactions_made_meanwhile()
    {
        var alice = await app.UserAsync("alice");
        var id = await alice.AiConversationAsync();
        await using var socket = await alice.OnlineAsync();
        var script = app.Fake.On("a long poem", FakeAnswer.Hang("Roses", " are red"));
        var question = await alice.SendAsync(id, "write me a long poem");
        var streaming = await alice.AnswerWhereAsync(id, question.Str("id"), m => m.Str("content") == "Roses are red");
        (await alice.PutAsync($"/api/conversations/{id}/messages/{streaming.Str("id")}/reactions/{Uri.EscapeDataString("🌹")}")).Expect(200);

        (await alice.PostAsync($"/api/conversations/{id}/messages/{streaming.Str("id")}/stop")).Expect(200);
        var final = (await socket.EventAsync("message:updated", id)).Data().GetProperty("message");
        Assert.Equal(streaming.Str("id"), final.Str("id"));
        Assert.Equal("stopped", final.Status());
        var reaction = final.GetProperty("reactions").EnumerateArray().Single();
        Assert.Equal(("🌹", 1L), (reaction.Str("emoji"), reaction.GetProperty("count").GetInt64()));
        await script.Aborted.Task.WaitAsync(AgentSteps.Patience);
    }
}
