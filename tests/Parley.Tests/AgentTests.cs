using System.Text.Json;
using Parley.Server.Agents;
using Parley.Tests.Support;

namespace Parley.Tests;

/// <summary>A Parley whose agent talks to a <see cref="FakeOpenAi"/> the fixture starts on 127.0.0.1. One worker: answers come in order.</summary>
public class AgentApp : ParleyApp, IAsyncDisposable
{
    public FakeOpenAi Fake { get; } = FakeOpenAi.Start();

    protected virtual IEnumerable<KeyValuePair<string, string>> AgentSettings => [];

    protected override IEnumerable<KeyValuePair<string, string>> Settings =>
    [
        new("Agent:Endpoint", Fake.BaseUrl), new("Agent:Model", "fake-model"), new("Agent:ApiKey", "sk-test"),
        new("Agent:SystemPrompt", "You are the test assistant."), new("Agent:MaxHistoryMessages", "4"), new("Agent:MaxOutputTokens", "77"),
        new("Agent:MaxRetries", "0"), new("Agent:DeltaInterval", "00:00:00.010"), new("Agent:MaxConcurrentReplies", "1"),
        .. AgentSettings,
    ];

    public new async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await Fake.DisposeAsync();
    }
}

public sealed class AgentTests(AgentApp app) : IClassFixture<AgentApp>
{
    [Fact]
    public async Task An_ai_conversation_holds_the_caller_and_the_agent_user()
    {
        var alice = await app.UserAsync("alice");
        var agents = (await alice.GetAsync("/api/agents")).Expect(200);
        var agent = Assert.Single(agents.EnumerateArray());
        Assert.Equal("parley-assistant", agent.Str("username"));
        Assert.True(agent.GetProperty("isAgent").GetBoolean());
        Assert.True(agent.GetProperty("configured").GetBoolean());
        Assert.Equal("fake-model", agent.Str("model"));
        Assert.Equal(agent.Str("id"), (await alice.GetAsync("/api/users/agents")).Expect(200)[0].Str("id"));

        var c = (await alice.PostAsync("/api/conversations", new { type = "ai" })).Expect(201);
        Assert.Equal("ai", c.Str("type"));
        Assert.True(c.GetProperty("isAi").GetBoolean());
        var members = c.GetProperty("members").EnumerateArray().ToList();
        Assert.Equal(new[] { alice.Id, agent.Str("id") }.Order(), members.Select(m => m.Str("userId")).Order());
        Assert.True(members.Single(m => m.Str("userId") == agent.Str("id")).GetProperty("isAgent").GetBoolean());
    }

    [Fact]
    public async Task The_answer_streams_live_into_a_socket_and_into_the_stored_message()
    {
        var alice = await app.UserAsync("alice");
        var agentId = await alice.AgentIdAsync();
        var id = await alice.AiConversationAsync();
        await using var socket = await alice.OnlineAsync();
        var script = app.Fake.On("stream-1", new FakeAnswer { Chunks = ["Hel", "lo, ", "wor", "ld!"], TotalTokens = 42 });
        var gate = script.PauseBefore(2);

        var sent = await socket.RequestAsync("message:send", new { conversationId = id, content = "stream-1: say hello" });
        Assert.True(sent.GetProperty("ok").GetBoolean(), sent.ToString());
        var question = sent.Data();
        // The answer exists at once, empty and streaming, and the agent is typing.
        var created = (await socket.NextAsync(f => f.Is("message:new", id) && f.Data().GetProperty("message").Str("senderId") == agentId))
            .Data().GetProperty("message");
        Assert.Equal("", created.Str("content"));
        Assert.True(created.IsStreaming());
        Assert.Equal(question.Str("id"), created.Str("replyToId"));
        var typing = (await socket.EventAsync("typing", id)).Data();
        Assert.Equal(agentId, typing.Str("userId"));
        Assert.True(typing.GetProperty("isTyping").GetBoolean());

        // Half the answer reaches the socket, and the stored message, while the provider holds the rest back.
        var deltas = new List<JsonElement>();
        while (AgentSteps.Assemble(deltas) != "Hello, ") deltas.Add((await socket.EventAsync("message:delta", id)).Data());
        var partial = (await alice.GetAsync($"/api/conversations/{id}/messages/{created.Str("id")}")).Expect(200);
        Assert.Equal("Hello, ", partial.Str("content"));
        Assert.True(partial.IsStreaming());
        gate.SetResult();

        JsonElement frame;
        while ((frame = await socket.NextAsync(f => f.Is("message:delta", id) || f.Is("message:updated", id))).Type() == "message:delta")
            deltas.Add(frame.Data());
        Assert.True(deltas.Count >= 2, $"expected the answer in at least two deltas, got {deltas.Count}");
        Assert.All(deltas, d => Assert.Equal(created.Str("id"), d.Str("messageId")));
        Assert.All(deltas, d => Assert.Equal(created.Seq(), d.Seq()));
        Assert.Equal("Hello, world!", AgentSteps.Assemble(deltas));
        var final = frame.Data().GetProperty("message");
        Assert.Equal("Hello, world!", final.Str("content"));
        Assert.Equal("complete", final.Status());
        Assert.False(final.IsStreaming());
        Assert.False((await socket.EventAsync("typing", id)).Data().GetProperty("isTyping").GetBoolean());

        var answer = await alice.AnswerAsync(id, question.Str("id"));
        Assert.Equal("Hello, world!", answer.Str("content"));
        Assert.Equal(alice.Id, answer.GetProperty("payload").Str("requestedBy"));
        Assert.Equal("parley-assistant", answer.GetProperty("sender").Str("username"));
        Assert.Equal(question.Seq() + 1, answer.Seq());
        Assert.Equal(42, await app.ScalarAsync("SELECT tokens FROM agent_replies WHERE message_id = @id", new { id = answer.Str("id") }));
        // The log holds the same story for clients that were away: the empty message, the deltas, the final text.
        var logged = (await app.EventsAsync(id)).SkipWhile(e => !(e.Type == "message:new" && e.Data.GetProperty("message").Str("id") == answer.Str("id"))).ToList();
        Assert.Equal(["message:new", .. deltas.Select(_ => "message:delta"), "message:updated"], logged.Select(e => e.Type));
    }

    [Fact]
    public async Task A_client_that_reconnects_mid_answer_catches_up_with_resume()
    {
        var alice = await app.UserAsync("alice");
        var id = await alice.AiConversationAsync();
        var script = app.Fake.On("resume-1", new FakeAnswer { Chunks = ["First part. ", "Second part. ", "Third part."] });
        var (second, third) = (script.PauseBefore(1), script.PauseBefore(2));
        var first = await alice.OnlineAsync();
        var question = await alice.SendAsync(id, "resume-1 go");
        var delta = await first.EventAsync("message:delta", id);
        Assert.Equal(0, delta.Data().GetProperty("offset").GetInt32());
        Assert.Equal("First part. ", delta.Data().Str("text"));
        var seen = delta.Cursor();
        first.Abort(); // like a phone losing its network
        await first.DisposeAsync();

        // More of the answer is written while the client is away; the answer is still streaming when it comes back.
        second.SetResult();
        await alice.AnswerWhereAsync(id, question.Str("id"), m => m.Str("content") == "First part. Second part. ");
        await using var again = await alice.OnlineAsync();
        var (ack, replayed) = await again.ExchangeAsync("resume", new { since = seen });
        Assert.True(ack.GetProperty("ok").GetBoolean(), ack.ToString());
        var missed = replayed.Where(f => f.Is("message:delta", id)).Select(f => f.Data()).ToList();
        Assert.Equal("First part. Second part. ", AgentSteps.Assemble(missed, "First part. "));

        // Then it goes on live, without repeats: every delta starts where the text so far ends.
        third.SetResult();
        var live = new List<JsonElement>();
        JsonElement frame;
        while ((frame = await again.NextAsync(f => f.Is("message:delta", id) || f.Is("message:updated", id))).Type() == "message:delta")
            live.Add(frame.Data());
        var full = AgentSteps.Assemble(live, "First part. Second part. ");
        Assert.Equal("First part. Second part. Third part.", full);
        Assert.Equal(full, frame.Data().GetProperty("message").Str("content"));
        Assert.Equal(full, (await alice.AnswerAsync(id, question.Str("id"))).Str("content"));
    }

    [Fact]
    public async Task The_provider_gets_the_system_prompt_and_bounded_recent_history()
    {
        var alice = await app.UserAsync("alice");
        var id = await alice.AiConversationAsync();
        foreach (var q in new[] { "first question", "second question" })
            await alice.AnswerAsync(id, (await alice.SendAsync(id, q)).Str("id"));
        var script = app.Fake.On("third", FakeAnswer.Text("ok"));
        await alice.AnswerAsync(id, (await alice.SendAsync(id, "third question")).Str("id"));

        var body = await script.Received.Task;
        Assert.Equal("fake-model", body.Str("model"));
        Assert.True(body.GetProperty("stream").GetBoolean());
        Assert.Equal(77, body.GetProperty("max_completion_tokens").GetInt32());
        Assert.True(body.GetProperty("stream_options").GetProperty("include_usage").GetBoolean()); // the budget counts the provider's usage
        var sent = body.GetProperty("messages").EnumerateArray().Select(m => (Role: m.Str("role"), Text: Content(m))).ToList();
        // MaxHistoryMessages = 4: the first question has fallen out of the window; answers go back as the assistant's.
        Assert.Equal(
            [("system", "You are the test assistant."), ("assistant", "Hello from the fake."), ("user", "second question"),
                ("assistant", "Hello from the fake."), ("user", "third question")],
            sent);
        Assert.Contains("Bearer sk-test", app.Fake.Authorizations);
    }

    [Theory]
    [InlineData(500, "provider error 500")]
    [InlineData(503, "provider error 503")]
    [InlineData(400, "provider error 400")]
    [InlineData(401, "provider error 401")]
    public async Task A_provider_error_ends_in_a_clear_agent_message(int status, string expected)
    {
        var alice = await app.UserAsync("alice");
        var id = await alice.AiConversationAsync();
        var marker = $"fail-{status}";
        app.Fake.On(marker, FakeAnswer.Error(status));

        var answer = await alice.AnswerAsync(id, (await alice.SendAsync(id, $"{marker} please")).Str("id"));
        Assert.StartsWith("The assistant could not answer: " + expected, answer.Str("content"));
        Assert.Equal("error", answer.Status());
        Assert.Equal(status, answer.GetProperty("payload").GetProperty("error").GetProperty("httpStatus").GetInt32());
        Assert.Equal("provider_error", answer.GetProperty("payload").GetProperty("error").Str("code"));
        Assert.Equal(0, await app.ScalarAsync("SELECT tokens FROM agent_replies WHERE message_id = @id", new { id = answer.Str("id") }));
    }

    [Fact]
    public async Task A_connection_lost_mid_answer_keeps_the_text_and_says_what_happened()
    {
        var alice = await app.UserAsync("alice");
        var id = await alice.AiConversationAsync();
        var script = app.Fake.On("fragile", new FakeAnswer { Chunks = ["The first half"], Drop = true });
        var drop = script.PauseBefore(1);
        var question = await alice.SendAsync(id, "fragile question");
        // Dropped only once Parley has the text: a reset connection can lose bytes the reader had not taken yet.
        await alice.AnswerWhereAsync(id, question.Str("id"), m => m.Str("content") == "The first half");
        drop.SetResult();

        var answer = await alice.AnswerAsync(id, question.Str("id"));
        Assert.Equal("The first half\n\n" + AgentTexts.ConnectionLost, answer.Str("content"));
        Assert.Equal("error", answer.Status());
        Assert.Equal("provider_connection", answer.GetProperty("payload").GetProperty("error").Str("code"));
    }

    [Fact]
    public async Task A_stop_request_ends_the_answer_with_what_it_had_and_a_stopped_note()
    {
        var alice = await app.UserAsync("alice");
        var bob = await app.UserAsync("bob");
        var id = await alice.AiConversationAsync();
        await using var socket = await alice.OnlineAsync();
        var script = app.Fake.On("long story", FakeAnswer.Hang("Once upon", " a time"));
        var question = await alice.SendAsync(id, "tell me a long story");
        var streaming = await alice.AnswerWhereAsync(id, question.Str("id"), m => m.Str("content") == "Once upon a time");

        (await bob.PostAsync($"/api/conversations/{id}/messages/{streaming.Str("id")}/stop")).ExpectError(404, "not_found");
        var stop = await alice.PostAsync($"/api/conversations/{id}/messages/{streaming.Str("id")}/stop");
        var stopped = stop.Expect(200);
        Assert.Equal("Answer stopped", stop.Root.Str("message"));
        Assert.Equal("Once upon a time\n\n(stopped)", stopped.Str("content"));
        Assert.Equal("stopped", stopped.Status());
        Assert.False(stopped.IsStreaming());
        await script.Aborted.Task.WaitAsync(AgentSteps.Patience); // the provider call was cancelled, not left running
        Assert.EndsWith("(stopped)", (await socket.EventAsync("message:updated", id)).Data().GetProperty("message").Str("content"));
        await socket.NextAsync(f => f.Is("typing", id) && !f.Data().GetProperty("isTyping").GetBoolean());

        var again = await alice.PostAsync($"/api/conversations/{id}/messages/{streaming.Str("id")}/stop");
        Assert.Equal("The answer had already finished", again.Root.Str("message"));
        (await alice.PostAsync($"/api/conversations/{id}/messages/{question.Str("id")}/stop")).ExpectError(404, "not_found");
        Assert.Equal("message:updated", (await app.EventsAsync(id)).Last().Type);
    }

    [Fact]
    public async Task Deleting_the_streaming_message_stops_the_answer_and_it_stays_deleted()
    {
        var alice = await app.UserAsync("alice");
        var id = await alice.AiConversationAsync();
        await using var socket = await alice.OnlineAsync();
        var script = app.Fake.On("endless", FakeAnswer.Hang("Let me think"));
        var question = await alice.SendAsync(id, "endless question");
        var streaming = await alice.AnswerWhereAsync(id, question.Str("id"), m => m.Str("content") == "Let me think");

        var deleted = await socket.RequestAsync("message:delete", new { messageId = streaming.Str("id") });
        Assert.True(deleted.GetProperty("ok").GetBoolean(), deleted.ToString());
        await script.Aborted.Task.WaitAsync(AgentSteps.Patience);
        await socket.NextAsync(f => f.Is("typing", id) && !f.Data().GetProperty("isTyping").GetBoolean());
        var deadline = DateTime.UtcNow + AgentSteps.Patience;
        while (await app.ScalarAsync("SELECT COUNT(*) FROM agent_replies WHERE message_id = @id AND status = 'deleted'", new { id = streaming.Str("id") }) == 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "the deleted answer's reply never ended");
            await Task.Delay(25);
        }
        var after = (await alice.GetAsync($"/api/conversations/{id}/messages/{streaming.Str("id")}")).Expect(200);
        Assert.True(after.GetProperty("deleted").GetBoolean());
        Assert.Equal(JsonValueKind.Null, after.GetProperty("content").ValueKind);
        Assert.Equal("message:deleted", (await app.EventsAsync(id)).Last().Type);

        // The conversation goes on: the next question is answered.
        var next = await alice.AnswerAsync(id, (await alice.SendAsync(id, "and now?")).Str("id"));
        Assert.Equal("Hello from the fake.", next.Str("content"));
    }

    [Fact]
    public async Task In_a_group_the_agent_answers_only_when_mentioned_and_never_itself()
    {
        var alice = await app.UserAsync("alice");
        var bob = await app.UserAsync("bob");
        var group = await alice.GroupAsync("group", bob);
        var agentId = await alice.AgentIdAsync();
        (await bob.PostAsync($"/api/conversations/{group}/members", new { user_id = agentId })).ExpectError(403, "forbidden");
        var added = (await alice.PostAsync($"/api/conversations/{group}/members", new { user_id = agentId })).Expect(200);
        Assert.Contains(agentId, added.GetProperty("members").Ids("userId"));

        await bob.SendAsync(group, "hello everyone, no bots please");
        var echo = app.Fake.On("group question", FakeAnswer.Text("@parley-assistant ", "talking to myself"));
        var question = await bob.SendAsync(group, "@parley-assistant group question: what is up?");
        var answer = await bob.AnswerAsync(group, question.Str("id"));
        Assert.Equal("@parley-assistant talking to myself", answer.Str("content"));
        (await alice.PostAsync($"/api/conversations/{group}/messages/{answer.Str("id")}/stop")).Expect(200); // an owner may; it had finished

        var body = await echo.Received.Task;
        var sent = body.GetProperty("messages").EnumerateArray().ToList();
        Assert.EndsWith(AgentContext.GroupNote, Content(sent[0]));
        Assert.Equal($"@{bob.Username}: @parley-assistant group question: what is up?", Content(sent[^1]));

        // One worker answers in order: once this later question is answered, anything the first ones caused would be too.
        var barrier = await alice.SendAsync(group, "@Parley-Assistant barrier");
        await alice.AnswerAsync(group, barrier.Str("id"));
        var fromAgent = await alice.AgentMessagesAsync(group, agentId);
        Assert.Equal([question.Str("id"), barrier.Str("id")], fromAgent.Select(m => m.Str("replyToId")));
        Assert.Contains(await alice.HistoryAsync(group), m => m.Str("type") == "system" && m.Str("content").Contains("Parley Assistant"));
    }

    [Fact]
    public async Task Only_the_asker_or_an_admin_may_stop_an_answer_in_a_group()
    {
        var alice = await app.UserAsync("alice");
        var bob = await app.UserAsync("bob");
        var carol = await app.UserAsync("carol");
        var group = await alice.GroupAsync("group", bob, carol);
        (await alice.PostAsync($"/api/conversations/{group}/members", new { user_id = await alice.AgentIdAsync() })).Expect(200);
        var script = app.Fake.On("slow group", FakeAnswer.Hang("Working"));
        var question = await bob.SendAsync(group, "@parley-assistant slow group answer");
        var streaming = await bob.AnswerWhereAsync(group, question.Str("id"), m => m.Str("content") == "Working");

        (await carol.PostAsync($"/api/conversations/{group}/messages/{streaming.Str("id")}/stop")).ExpectError(403, "forbidden");
        // Over the socket too: message:stop {messageId}.
        await using var socket = await bob.OnlineAsync();
        var missing = await socket.RequestAsync("message:stop", new { });
        Assert.Equal("validation_failed", missing.GetProperty("error").Str("code"));
        var stop = await socket.RequestAsync("message:stop", new { messageId = streaming.Str("id") });
        Assert.True(stop.GetProperty("ok").GetBoolean(), stop.ToString());
        Assert.Equal("Working\n\n(stopped)", stop.Data().Str("content"));
        Assert.Equal("stopped", stop.Data().Status());
        await script.Aborted.Task.WaitAsync(AgentSteps.Patience);
    }

    private static string Content(JsonElement message) => message.GetProperty("content") is { ValueKind: JsonValueKind.String } s
        ? s.GetString()!
        : string.Concat(message.GetProperty("content").EnumerateArray().Select(p => p.Str("text")));
}

/// <summary>Short deadline, three questions a minute, a small daily budget.</summary>
public sealed class AgentLimitsApp : AgentApp
{
    protected override IEnumerable<KeyValuePair<string, string>> AgentSettings =>
        [new("Agent:Timeout", "00:00:02"), new("Agent:RequestsPerUserPerMinute", "3"), new("Agent:DailyTokenBudgetPerUser", "1000")];
}

public sealed class AgentLimitsTests(AgentLimitsApp app) : IClassFixture<AgentLimitsApp>
{
    [Fact]
    public async Task A_provider_that_hangs_ends_in_a_timeout_message()
    {
        var alice = await app.UserAsync("alice");
        var id = await alice.AiConversationAsync();
        var script = app.Fake.On("hang", FakeAnswer.Hang("Thinking"));

        var answer = await alice.AnswerAsync(id, (await alice.SendAsync(id, "hang forever")).Str("id"));
        Assert.Equal("Thinking\n\nThe assistant could not answer: no complete answer within 2 s (timeout).", answer.Str("content"));
        Assert.Equal("timeout", answer.Status());
        Assert.Equal("timeout", answer.GetProperty("payload").GetProperty("error").Str("code"));
        await script.Aborted.Task.WaitAsync(AgentSteps.Patience);
    }

    [Fact]
    public async Task Over_the_daily_budget_the_agent_says_so_without_asking_the_provider()
    {
        var alice = await app.UserAsync("alice");
        var id = await alice.AiConversationAsync();
        app.Fake.On("pricey", new FakeAnswer { Chunks = ["Expensive answer"], TotalTokens = 1500 });
        Assert.Equal("Expensive answer", (await alice.AnswerAsync(id, (await alice.SendAsync(id, "pricey question")).Str("id"))).Str("content"));

        var requests = app.Fake.Requests.Count;
        var answer = await alice.AnswerAsync(id, (await alice.SendAsync(id, "one more")).Str("id"));
        Assert.Equal(AgentTexts.BudgetExhausted(1000), answer.Str("content"));
        Assert.Contains("1,000 tokens", answer.Str("content"));
        Assert.Equal("budget_exhausted", answer.Status());
        Assert.Equal(requests, app.Fake.Requests.Count);

        // The budget is per user.
        var bob = await app.UserAsync("bob");
        var bobs = await bob.AiConversationAsync();
        Assert.Equal("complete", (await bob.AnswerAsync(bobs, (await bob.SendAsync(bobs, "hi")).Str("id"))).Status());
    }

    [Fact]
    public async Task Over_the_rate_limit_the_agent_says_so_once_per_window()
    {
        var alice = await app.UserAsync("alice");
        var id = await alice.AiConversationAsync();
        for (var i = 0; i < 3; i++)
            Assert.Equal("complete", (await alice.AnswerAsync(id, (await alice.SendAsync(id, $"question {i}")).Str("id"))).Status());

        var limited = await alice.AnswerAsync(id, (await alice.SendAsync(id, "question 4")).Str("id"));
        Assert.Equal("rate_limited", limited.Status());
        Assert.StartsWith("You have asked the assistant more than 3 times in a minute.", limited.Str("content"));
        var silent = await alice.SendAsync(id, "question 5");

        // One worker answers in order: once bob is answered, a reply to question 5 would have been written already.
        var bob = await app.UserAsync("bob");
        var bobs = await bob.AiConversationAsync();
        await bob.AnswerAsync(bobs, (await bob.SendAsync(bobs, "barrier")).Str("id"));
        var agentId = await alice.AgentIdAsync();
        Assert.DoesNotContain(await alice.AgentMessagesAsync(id, agentId), m => m.Str("replyToId") == silent.Str("id"));
        Assert.Equal(4, (await alice.AgentMessagesAsync(id, agentId)).Count);
    }
}

/// <summary>One worker and room for one waiting question.</summary>
public sealed class AgentQueueApp : AgentApp
{
    protected override IEnumerable<KeyValuePair<string, string>> AgentSettings => [new("Agent:QueueCapacity", "1")];
}

public sealed class AgentQueueTests(AgentQueueApp app) : IClassFixture<AgentQueueApp>
{
    [Fact]
    public async Task With_the_queue_full_the_agent_says_it_is_busy_and_answers_the_rest_later()
    {
        var (alice, bob, carol) = (await app.UserAsync("alice"), await app.UserAsync("bob"), await app.UserAsync("carol"));
        var (a, b, c) = (await alice.AiConversationAsync(), await bob.AiConversationAsync(), await carol.AiConversationAsync());
        var script = app.Fake.On("occupy", FakeAnswer.Hang("Busy"));
        var first = await alice.SendAsync(a, "occupy the only worker");
        await alice.AnswerWhereAsync(a, first.Str("id"), m => m.Str("content") == "Busy"); // the worker took it: the queue is empty

        var queued = await bob.SendAsync(b, "waiting in the queue");
        var refused = await carol.AnswerAsync(c, (await carol.SendAsync(c, "no room left")).Str("id"));
        Assert.Equal(AgentTexts.Busy, refused.Str("content"));
        Assert.Equal("busy", refused.Status());

        script.PauseBefore(1).SetResult();
        Assert.Equal("Busy", (await alice.AnswerAsync(a, first.Str("id"))).Str("content"));
        Assert.Equal("Hello from the fake.", (await bob.AnswerAsync(b, queued.Str("id"))).Str("content"));
    }
}

/// <summary>An endpoint where nothing listens.</summary>
public sealed class AgentUnreachableApp : ParleyApp
{
    private static readonly int ClosedPort = FreePort();

    protected override IEnumerable<KeyValuePair<string, string>> Settings =>
        [new("Agent:Endpoint", $"http://127.0.0.1:{ClosedPort}/v1"), new("Agent:MaxRetries", "0")];

    private static int FreePort()
    {
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}

public sealed class AgentUnreachableTests(AgentUnreachableApp app) : IClassFixture<AgentUnreachableApp>
{
    [Fact]
    public async Task An_unreachable_provider_ends_in_a_clear_agent_message()
    {
        var alice = await app.UserAsync("alice");
        var id = await alice.AiConversationAsync();
        var answer = await alice.AnswerAsync(id, (await alice.SendAsync(id, "anyone there?")).Str("id"));
        Assert.Equal(AgentTexts.Unreachable, answer.Str("content"));
        Assert.Equal("provider_unreachable", answer.GetProperty("payload").GetProperty("error").Str("code"));
    }
}

public sealed class AgentNotConfiguredTests(ParleyApp app) : IClassFixture<ParleyApp>
{
    [Fact]
    public async Task Without_an_endpoint_ai_conversations_work_and_the_agent_says_it_is_not_configured()
    {
        var alice = await app.UserAsync("alice");
        var agent = (await alice.GetAsync("/api/agents")).Expect(200)[0];
        Assert.False(agent.GetProperty("configured").GetBoolean());
        Assert.Equal(JsonValueKind.Null, agent.GetProperty("model").ValueKind);

        var id = await alice.AiConversationAsync();
        var question = await alice.SendAsync(id, "What is the capital of France?");
        var answer = await alice.AnswerAsync(id, question.Str("id"));
        Assert.Equal(AgentTexts.NotConfigured, answer.Str("content"));
        Assert.Contains("Agent__Endpoint", answer.Str("content"));
        Assert.Equal("not_configured", answer.Status());
        Assert.Equal(agent.Str("id"), answer.Str("senderId"));
        Assert.Equal(0, await app.ScalarAsync("SELECT tokens FROM agent_replies WHERE message_id = @id", new { id = answer.Str("id") }));
    }
}
