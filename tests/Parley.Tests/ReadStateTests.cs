using System.Text.Json;
using Parley.Tests.Support;

namespace Parley.Tests;

public sealed class ReadStateTests(ParleyApp app) : IClassFixture<ParleyApp>
{
    private async Task<long> MarkerAsync(TestUser user, string conversationId) =>
        await app.ScalarAsync("SELECT last_read_seq FROM members WHERE conversation_id = @conversationId AND user_id = @userId",
            new { conversationId, userId = user.Id });

    [Fact]
    public async Task Read_markers_move_forward_only_and_announce_each_move_once()
    {
        var alice = await app.UserAsync("alice");
        var bob = await app.UserAsync("bob");
        var id = await alice.DirectWithAsync(bob);
        var sent = new List<JsonElement>();
        for (var i = 1; i <= 5; i++) sent.Add(await alice.SendAsync(id, $"m{i}"));
        Assert.Equal(0, await MarkerAsync(bob, id));
        Assert.Equal(5, await MarkerAsync(alice, id));

        var third = (await bob.PostAsync($"/api/conversations/{id}/read", new { lastMessageId = sent[2].Str("id") })).Expect(200);
        Assert.Equal(3, third.GetProperty("lastReadSeq").GetInt64());
        Assert.True(third.GetProperty("moved").GetBoolean());
        Assert.Equal(3, third.GetProperty("modifiedCount").GetInt64());
        Assert.Equal(2, third.GetProperty("unreadCount").GetInt64());
        Assert.Equal(sent[2].Str("id"), third.Str("messageId"));
        var readAt = third.Str("lastReadAt");

        var back = (await bob.PostAsync($"/api/conversations/{id}/read", new { lastMessageId = sent[0].Str("id") })).Expect(200);
        Assert.Equal(3, back.GetProperty("lastReadSeq").GetInt64());
        Assert.False(back.GetProperty("moved").GetBoolean());
        Assert.Equal(0, back.GetProperty("modifiedCount").GetInt64());
        Assert.Equal(readAt, back.Str("lastReadAt"));
        (await bob.PostAsync($"/api/conversations/{id}/messages/{sent[1].Str("id")}/read")).Expect(200);
        (await bob.PutAsync($"/api/messages/{sent[0].Str("id")}/read")).Expect(200);
        Assert.Equal(3, await MarkerAsync(bob, id));
        Assert.Equal(1, await app.EventCountAsync("message:read", id));

        var all = (await bob.PostAsync($"/api/conversations/{id}/read")).Expect(200);
        Assert.Equal(5, all.GetProperty("lastReadSeq").GetInt64());
        Assert.Equal(2, all.GetProperty("modifiedCount").GetInt64());
        Assert.Equal(0, all.GetProperty("unreadCount").GetInt64());
        Assert.Equal(sent[4].Str("id"), all.Str("messageId"));
        Assert.Equal(2, await app.EventCountAsync("message:read", id));
        var again = (await bob.PutAsync($"/api/messages/conversation/{id}/read")).Expect(200);
        Assert.Equal(0, again.GetProperty("modifiedCount").GetInt64());
        Assert.Equal(2, await app.EventCountAsync("message:read", id));
        Assert.Equal(1, await app.ScalarAsync(
            "SELECT COUNT(*) FROM events WHERE type = 'message:read' AND conversation_id = @id AND data LIKE @like",
            new { id, like = $"%\"lastReadSeq\":5%{sent[4].Str("id")}%" }));
    }

    [Fact]
    public async Task Mark_all_read_counts_only_others_undeleted_unread_messages()
    {
        var alice = await app.UserAsync("alice");
        var bob = await app.UserAsync("bob");
        var id = await alice.GroupAsync("group", bob);
        await alice.SendAsync(id, "one");
        var two = await alice.SendAsync(id, "two");
        await alice.SendAsync(id, "three");
        (await alice.DeleteAsync($"/api/messages/{two.Str("id")}")).Expect(200);
        Assert.Equal(2, await bob.UnreadAsync(id));

        var marked = (await bob.PutAsync($"/api/messages/conversation/{id}/read")).Expect(200);
        Assert.Equal(2, marked.GetProperty("modifiedCount").GetInt64());
        Assert.Equal(0, await bob.UnreadAsync(id));
        Assert.Equal(3, await MarkerAsync(bob, id));

        // Sending counts as reading for the sender: bob's own message moves his marker, alice's count grows.
        await alice.SendAsync(id, "four");
        await bob.SendAsync(id, "five");
        Assert.Equal(5, await MarkerAsync(bob, id));
        Assert.Equal(0, await bob.UnreadAsync(id));
        Assert.Equal(1, await alice.UnreadAsync(id));
        (await bob.PostAsync($"/api/conversations/{id}/read", new { seq = 999 })).Expect(200);
        Assert.Equal(5, await MarkerAsync(bob, id));
        (await bob.PostAsync($"/api/conversations/{id}/read", new { lastMessageId = Guid.NewGuid().ToString() })).ExpectError(404);
    }

    [Fact]
    public async Task Read_and_seenBy_follow_the_other_members_markers()
    {
        var alice = await app.UserAsync("alice");
        var bob = await app.UserAsync("bob");
        var carol = await app.UserAsync("carol");
        var direct = await alice.DirectWithAsync(bob);
        var hello = await alice.SendAsync(direct, "hello");
        var path = $"/api/conversations/{direct}/messages/{hello.Str("id")}";

        var before = (await alice.GetAsync(path)).Expect(200);
        Assert.False(before.GetProperty("read").GetBoolean());
        Assert.Empty(before.GetProperty("seenBy").EnumerateArray());

        var marked = (await bob.PutAsync($"/api/messages/{hello.Str("id")}/read")).Expect(200);
        Assert.Equal(hello.Str("id"), marked.Str("id"));
        Assert.True(marked.GetProperty("read").GetBoolean());
        var seen = Assert.Single(marked.GetProperty("seenBy").EnumerateArray());
        Assert.Equal(bob.Id, seen.Str("userId"));
        Assert.Equal(seen.Str("timestamp"), seen.Str("lastReadAt"));
        Assert.True((await alice.GetAsync(path)).Expect(200).GetProperty("read").GetBoolean());
        Assert.True((await alice.HistoryAsync(direct))[0].GetProperty("read").GetBoolean());

        var group = await alice.GroupAsync("group", bob, carol);
        var first = await alice.SendAsync(group, "first");
        var second = await alice.SendAsync(group, "second");
        (await bob.PostAsync($"/api/conversations/{group}/read")).Expect(200);
        var history = await alice.HistoryAsync(group);
        Assert.All(history, h => Assert.False(h.GetProperty("read").GetBoolean()));
        var partly = (await alice.GetAsync($"/api/conversations/{group}/messages/{first.Str("id")}")).Expect(200);
        Assert.Equal([bob.Id], partly.GetProperty("seenBy").EnumerateArray().Select(s => s.Str("userId")));

        var carolReads = (await carol.PostAsync($"/api/conversations/{group}/messages/{first.Str("id")}/read")).Expect(200);
        Assert.True(carolReads.GetProperty("read").GetBoolean());
        Assert.Equal(1, carolReads.GetProperty("lastReadSeq").GetInt64());
        history = await alice.HistoryAsync(group);
        Assert.Equal([true, false], history.Select(h => h.GetProperty("read").GetBoolean()));
        var both = (await alice.GetAsync($"/api/conversations/{group}/messages/{first.Str("id")}")).Expect(200);
        Assert.Equal(new[] { bob.Id, carol.Id }.Order(), both.GetProperty("seenBy").EnumerateArray().Select(s => s.Str("userId")).Order());
        var onlyBob = (await alice.GetAsync($"/api/conversations/{group}/messages/{second.Str("id")}")).Expect(200);
        Assert.Equal([bob.Id], onlyBob.GetProperty("seenBy").EnumerateArray().Select(s => s.Str("userId")));

        // A message of another conversation is not found through this one.
        (await carol.PostAsync($"/api/conversations/{group}/messages/{hello.Str("id")}/read")).ExpectError(404);
        (await carol.PutAsync($"/api/messages/{hello.Str("id")}/read")).ExpectError(404);
    }

    [Fact]
    public async Task Unread_counts_per_user_match_the_conversation_list()
    {
        var alice = await app.UserAsync("alice");
        var bob = await app.UserAsync("bob");
        var carol = await app.UserAsync("carol");
        var group = await alice.GroupAsync("group", bob, carol);
        var direct = await alice.DirectWithAsync(carol);

        var a1 = await alice.SendAsync(group, "a1");
        await alice.SendAsync(group, "a2");
        await alice.SendAsync(group, "a3");
        await bob.SendAsync(group, "b1");
        await bob.SendAsync(group, "b2");
        await alice.SendAsync(direct, "psst");
        (await alice.DeleteAsync($"/api/messages/{a1.Str("id")}")).Expect(200);

        Assert.Equal(2, await alice.UnreadAsync(group));
        Assert.Equal(0, await bob.UnreadAsync(group));
        Assert.Equal(4, await carol.UnreadAsync(group));
        Assert.Equal(1, await carol.UnreadAsync(direct));

        var total = (await carol.GetAsync("/api/messages/unread/count")).Expect(200);
        Assert.Equal(5, total.GetProperty("unreadCount").GetInt64());
        var perConversation = total.GetProperty("conversations").EnumerateArray().ToDictionary(c => c.Str("conversationId"), c => c.GetProperty("unreadCount").GetInt64());
        Assert.Equal(new Dictionary<string, long> { [group] = 4, [direct] = 1 }, perConversation);
        Assert.Equal(2, (await alice.GetAsync("/api/messages/unread/count")).Expect(200).GetProperty("unreadCount").GetInt64());
        Assert.Equal(0, (await bob.GetAsync("/api/messages/unread/count")).Expect(200).GetProperty("unreadCount").GetInt64());

        async Task<JsonElement> Listed(TestUser user, string id) =>
            (await user.GetAsync("/api/conversations")).Expect(200).EnumerateArray().Single(c => c.Str("id") == id);
        var carolsGroup = await Listed(carol, group);
        Assert.Equal(4, carolsGroup.GetProperty("unreadCount").GetInt64());
        Assert.Equal("b2", carolsGroup.GetProperty("lastMessage").Str("content"));
        Assert.Equal(5, carolsGroup.GetProperty("lastSeq").GetInt64());
        Assert.Equal(2, (await Listed(alice, group)).GetProperty("unreadCount").GetInt64());
        Assert.Equal(direct, (await carol.GetAsync("/api/conversations")).Expect(200)[0].Str("id"));

        (await carol.PostAsync($"/api/conversations/{group}/read")).Expect(200);
        Assert.Equal(0, (await Listed(carol, group)).GetProperty("unreadCount").GetInt64());
        var after = (await carol.GetAsync("/api/messages/unread/count")).Expect(200);
        Assert.Equal(1, after.GetProperty("unreadCount").GetInt64());
        Assert.Equal([direct], after.GetProperty("conversations").EnumerateArray().Select(c => c.Str("conversationId")));
    }
}
