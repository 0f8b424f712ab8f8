using Parley.Tests.Support;

namespace Parley.Tests;

/// <summary>Mark unread: my marker goes back to just before a message; counts, read and seenBy follow; my other devices are told.</summary>
public sealed class MarkUnreadTests(ParleyApp app) : IClassFixture<ParleyApp>
{
    [Fact]
    public async Task Marking_a_message_unread_moves_my_marker_back_and_everything_follows()
    {
        var (alice, bob) = (await app.UserAsync("alice"), await app.UserAsync("bob"));
        var id = await alice.DirectWithAsync(bob);
        var sent = new List<System.Text.Json.JsonElement>();
        for (var i = 1; i <= 5; i++) sent.Add(await alice.SendAsync(id, $"m{i}"));
        (await bob.PostAsync($"/api/conversations/{id}/read")).Expect(200);
        Assert.Equal(0, await bob.UnreadAsync(id));
        await using var bobPhone = await bob.OnlineAsync();

        var marked = (await bob.PostAsync($"/api/conversations/{id}/unread", new { messageId = sent[2].Str("id") })).Expect(200);
        Assert.Equal(2, marked.GetProperty("lastReadSeq").GetInt64());
        Assert.Equal(3, marked.GetProperty("unreadCount").GetInt64());
        Assert.Equal(3, marked.GetProperty("modifiedCount").GetInt64());
        var told = (await bobPhone.NextAsync("conversation:unread")).Data();
        Assert.Equal((id, 2L, 3L, sent[2].Str("id")), (told.Str("conversationId"), told.GetProperty("lastReadSeq").GetInt64(),
            told.GetProperty("unreadCount").GetInt64(), told.Str("messageId")));

        Assert.Equal(3, await bob.UnreadAsync(id));
        var listed = (await bob.GetAsync("/api/conversations")).Expect(200).EnumerateArray().Single(c => c.Str("id") == id);
        Assert.Equal(3, listed.GetProperty("unreadCount").GetInt64());
        var history = await alice.HistoryAsync(id);
        Assert.Equal([true, true, false, false, false], history.Select(m => m.GetProperty("read").GetBoolean()));
        var third = (await alice.GetAsync($"/api/conversations/{id}/messages/{sent[2].Str("id")}")).Expect(200);
        Assert.Empty(third.GetProperty("seenBy").EnumerateArray());

        // Reading again moves forward as usual.
        (await bob.PostAsync($"/api/conversations/{id}/read")).Expect(200);
        Assert.Equal(0, await bob.UnreadAsync(id));
        // Marking the first message unread makes everything unread.
        Assert.Equal(5, (await bob.PostAsync($"/api/conversations/{id}/unread", new { messageId = sent[0].Str("id") })).Expect(200)
            .GetProperty("unreadCount").GetInt64());
    }

    [Fact]
    public async Task Bad_requests_are_400_and_outsiders_404()
    {
        var (alice, bob, mallory) = (await app.UserAsync("alice"), await app.UserAsync("bob"), await app.UserAsync("mallory"));
        var id = await alice.DirectWithAsync(bob);
        var message = await alice.SendAsync(id, "hi");
        // Other tests of this class share the database (in any order), so count only what this test adds.
        var before = await app.ScalarAsync("SELECT COUNT(*) FROM events WHERE type = 'conversation:unread'");
        (await bob.PostAsync($"/api/conversations/{id}/unread")).ExpectError(400, "validation_failed");
        (await bob.PostAsync($"/api/conversations/{id}/unread", new { messageId = Guid.NewGuid().ToString() })).ExpectError(404);
        (await mallory.PostAsync($"/api/conversations/{id}/unread", new { messageId = message.Str("id") })).ExpectError(404);
        var other = await mallory.DirectWithAsync(bob);
        (await bob.PostAsync($"/api/conversations/{other}/unread", new { messageId = message.Str("id") })).ExpectError(404);
        Assert.Equal(before, await app.ScalarAsync("SELECT COUNT(*) FROM events WHERE type = 'conversation:unread'"));
    }
}
