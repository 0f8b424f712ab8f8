using System.Text.Json;
using Parley.Tests.Support;

namespace Parley.Tests;

public sealed class ThreadsTests(ParleyApp app) : IClassFixture<ParleyApp>
{
    private static async Task<JsonElement> ReplyAsync(TestUser user, string conversationId, string rootId, string content, bool also = false) =>
        (await user.PostAsync($"/api/conversations/{conversationId}/messages", new { content, threadId = rootId, alsoInConversation = also })).Expect(201);

    private static async Task<JsonElement> ThreadAsync(TestUser user, string conversationId, string rootId, string query = "limit=100") =>
        (await user.GetAsync($"/api/conversations/{conversationId}/threads/{rootId}/messages?{query}")).Expect(200);

    private static List<string> Contents(JsonElement messages) => messages.EnumerateArray().Select(m => m.Str("content")).ToList();

    [Fact]
    public async Task Thread_pages_carry_reactions_and_files_as_history_does()
    {
        var (alice, bob) = (await app.UserAsync("alice"), await app.UserAsync("bob"));
        var id = await alice.GroupAsync("group", bob);
        var root = (await alice.SendAsync(id, "Photos from the trip?")).Str("id");
        var upload = (await bob.UploadedAsync(TestImages.Png(8, 8), "beach.png")).Str("id");
        var reply = (await bob.PostAsync($"/api/conversations/{id}/messages",
            new { type = "file", content = "the beach", threadId = root, attachments = new[] { upload } })).Expect(201);
        (await alice.PutAsync($"/api/conversations/{id}/messages/{reply.Str("id")}/reactions/{Uri.EscapeDataString("😍")}")).Expect(200);
        (await bob.PutAsync($"/api/conversations/{id}/messages/{root}/reactions/{Uri.EscapeDataString("👍")}")).Expect(200);

        var page = await ThreadAsync(alice, id, root);
        var shown = page.GetProperty("messages").EnumerateArray().Single();
        var file = shown.Attachments().Single();
        Assert.Equal(upload, file.Str("id"));
        Assert.Contains($"s=u.{alice.Id}", Uri.UnescapeDataString(file.Str("url")));
        Assert.Equal(System.Net.HttpStatusCode.OK, (await app.FetchAsync(file.Str("url"))).StatusCode);
        Assert.True(shown.GetProperty("reactions")[0].GetProperty("me").GetBoolean());
        var rootReaction = page.GetProperty("root").GetProperty("reactions")[0];
        Assert.Equal(("👍", false), (rootReaction.Str("emoji"), rootReaction.GetProperty("me").GetBoolean()));
    }

    [Fact]
    public async Task Replies_stay_out_of_the_timeline_unless_also_sent_there_and_seqs_stay_gap_free()
    {
        var (alice, bob) = (await app.UserAsync("alice"), await app.UserAsync("bob"));
        var id = await alice.GroupAsync("group", bob);
        var root = await alice.SendAsync(id, "Where do we eat?");
        var r1 = await ReplyAsync(bob, id, root.Str("id"), "Pizza");
        Assert.Equal(root.Str("id"), r1.Str("threadId"));
        Assert.Equal(1, r1.GetProperty("threadSeq").GetInt64());
        Assert.Equal(0, r1.Seq());
        Assert.False(r1.GetProperty("alsoInConversation").GetBoolean());
        var r2 = await ReplyAsync(alice, id, root.Str("id"), "Pizza it is, telling everyone", also: true);
        Assert.Equal(2, r2.Seq());
        Assert.True(r2.GetProperty("alsoInConversation").GetBoolean());
        await bob.SendAsync(id, "Next topic");

        var history = await bob.HistoryAsync(id);
        Assert.Equal(["Where do we eat?", "Pizza it is, telling everyone", "Next topic"], history.Select(m => m.Str("content")));
        Assert.Equal([1L, 2L, 3L], history.Select(m => m.Seq()));
        var thread = history[0].GetProperty("thread");
        Assert.Equal(2, thread.GetProperty("replyCount").GetInt64());
        Assert.Equal(r2.Str("createdAt"), thread.Str("lastReplyAt"));
        Assert.Equal([alice.Id, bob.Id], thread.GetProperty("participantIds").EnumerateArray().Select(p => p.GetString()!));
        Assert.False(history[2].TryGetProperty("thread", out _));
        Assert.False(history[2].TryGetProperty("threadId", out _));
        // Page mode counts only the timeline; bob's thread-only reply is not one of alice's unread messages ("Next topic" is).
        var page = (await bob.GetAsync($"/api/conversations/{id}/messages?page=1&limit=2")).Expect(200);
        Assert.Equal(3, page.GetProperty("pagination").GetProperty("totalMessages").GetInt64());
        Assert.Equal(0, await bob.UnreadAsync(id));
        Assert.Equal(1, await alice.UnreadAsync(id));

        var replies = await ThreadAsync(bob, id, root.Str("id"));
        Assert.Equal(root.Str("id"), replies.GetProperty("root").Str("id"));
        Assert.Equal(["Pizza", "Pizza it is, telling everyone"], Contents(replies.GetProperty("messages")));
        Assert.Equal(2, replies.GetProperty("pagination").GetProperty("totalMessages").GetInt64());
    }

    [Fact]
    public async Task Thread_replies_page_like_history()
    {
        var alice = await app.UserAsync("alice");
        var id = await alice.GroupAsync("group");
        var root = (await alice.SendAsync(id, "root")).Str("id");
        for (var i = 1; i <= 7; i++) await ReplyAsync(alice, id, root, $"r{i}", also: i == 4);

        var newest = await ThreadAsync(alice, id, root, "page=1&limit=3");
        Assert.Equal(["r5", "r6", "r7"], Contents(newest.GetProperty("messages")));
        Assert.True(newest.GetProperty("hasMore").GetBoolean());
        Assert.Equal(3, newest.GetProperty("pagination").GetProperty("totalPages").GetInt32());
        Assert.Equal(5, newest.GetProperty("oldestSeq").GetInt64());
        Assert.Equal(["r2", "r3", "r4"], Contents((await ThreadAsync(alice, id, root, "before=5&limit=3")).GetProperty("messages")));
        var after = await ThreadAsync(alice, id, root, "after=5&limit=3");
        Assert.Equal(["r6", "r7"], Contents(after.GetProperty("messages")));
        Assert.False(after.GetProperty("hasMore").GetBoolean());
        Assert.Equal(["r1"], Contents((await ThreadAsync(alice, id, root, "page=3&limit=3")).GetProperty("messages")));
        // A message nobody answered has an empty thread.
        var lonely = (await alice.SendAsync(id, "lonely")).Str("id");
        Assert.Empty(Contents((await ThreadAsync(alice, id, lonely)).GetProperty("messages")));
    }

    [Fact]
    public async Task My_threads_newest_activity_first_with_unread_counts_and_a_read_marker()
    {
        var (alice, bob, carol) = (await app.UserAsync("alice"), await app.UserAsync("bob"), await app.UserAsync("carol"));
        var id = await alice.GroupAsync("group", bob, carol);
        var first = (await alice.SendAsync(id, "first topic")).Str("id");
        var second = (await bob.SendAsync(id, "second topic")).Str("id");
        await ReplyAsync(bob, id, first, "bob on first");
        await ReplyAsync(carol, id, first, "carol on first");
        await ReplyAsync(carol, id, second, "carol on second");

        var mine = (await alice.GetAsync("/api/threads")).Expect(200);
        var threads = mine.GetProperty("threads").EnumerateArray().ToList();
        Assert.Equal([first], threads.Select(t => t.Str("rootId")));
        Assert.Equal(2, threads[0].GetProperty("unreadCount").GetInt64());
        Assert.Equal(2, threads[0].GetProperty("thread").GetProperty("replyCount").GetInt64());
        Assert.Equal("first topic", threads[0].GetProperty("root").Str("content"));

        var carols = (await carol.GetAsync("/api/threads")).Expect(200).GetProperty("threads").EnumerateArray().ToList();
        Assert.Equal([second, first], carols.Select(t => t.Str("rootId")));
        Assert.All(carols, t => Assert.Equal(0, t.GetProperty("unreadCount").GetInt64()));
        var bobs = (await bob.GetAsync("/api/threads")).Expect(200).GetProperty("threads").EnumerateArray().ToList();
        Assert.Equal([second, first], bobs.Select(t => t.Str("rootId")));
        Assert.Equal([1L, 1L], bobs.Select(t => t.GetProperty("unreadCount").GetInt64()));

        var read = (await alice.PostAsync($"/api/conversations/{id}/threads/{first}/read", new { threadSeq = 1 })).Expect(200);
        Assert.Equal(1, read.GetProperty("lastReadSeq").GetInt64());
        Assert.Equal(1, read.GetProperty("unreadCount").GetInt64());
        var back = (await alice.PostAsync($"/api/conversations/{id}/threads/{first}/read", new { threadSeq = 0 })).Expect(200);
        Assert.False(back.GetProperty("moved").GetBoolean());
        Assert.Equal(1, back.GetProperty("lastReadSeq").GetInt64());
        var all = (await alice.PostAsync($"/api/conversations/{id}/threads/{first}/read")).Expect(200);
        Assert.Equal(0, all.GetProperty("unreadCount").GetInt64());
        Assert.Equal(0, (await alice.GetAsync("/api/threads")).Expect(200).GetProperty("totalUnread").GetInt64());

        // Participants hear of replies through notifications; the replier does not.
        var notes = (await alice.GetAsync("/api/notifications")).Expect(200).ToString();
        Assert.Contains("replied in a thread: carol on first", notes);
        Assert.DoesNotContain("replied in a thread", (await carol.GetAsync("/api/notifications")).Expect(200).ToString());

        // Leaving the conversation leaves its threads out of my list.
        (await bob.DeleteAsync($"/api/conversations/{id}/leave")).Expect(200);
        Assert.Empty((await bob.GetAsync("/api/threads")).Expect(200).GetProperty("threads").EnumerateArray());
    }

    [Fact]
    public async Task Outsiders_get_404_and_bad_roots_400()
    {
        var (alice, bob, mallory) = (await app.UserAsync("alice"), await app.UserAsync("bob"), await app.UserAsync("mallory"));
        var id = await alice.GroupAsync("group", bob);
        var other = await alice.GroupAsync("group");
        var root = (await alice.SendAsync(id, "root")).Str("id");
        var reply = (await ReplyAsync(bob, id, root, "reply")).Str("id");
        var elsewhere = (await alice.SendAsync(other, "elsewhere")).Str("id");

        (await mallory.GetAsync($"/api/conversations/{id}/threads/{root}/messages")).ExpectError(404);
        (await mallory.PostAsync($"/api/conversations/{id}/threads/{root}/read")).ExpectError(404);
        (await mallory.PostAsync($"/api/conversations/{id}/messages", new { content = "hi", threadId = root })).ExpectError(404);
        Assert.Empty((await mallory.GetAsync("/api/threads")).Expect(200).GetProperty("threads").EnumerateArray());
        (await bob.GetAsync($"/api/conversations/{id}/threads/{elsewhere}/messages")).ExpectError(404);
        (await bob.GetAsync($"/api/conversations/{id}/threads/{reply}/messages")).ExpectError(404);

        (await bob.PostAsync($"/api/conversations/{id}/messages", new { content = "x", threadId = elsewhere })).ExpectError(400, "validation_failed");
        (await bob.PostAsync($"/api/conversations/{id}/messages", new { content = "x", threadId = reply })).ExpectError(400, "validation_failed");
        (await bob.PostAsync($"/api/conversations/{id}/messages", new { content = "x", threadId = Guid.NewGuid() })).ExpectError(400);
        (await bob.PostAsync($"/api/conversations/{id}/messages", new { content = "x", alsoInConversation = true })).ExpectError(400);
        (await bob.GetAsync($"/api/conversations/{id}/threads/{root}/messages?before=2&after=1")).ExpectError(400);
    }

    [Fact]
    public async Task Replies_and_thread_updates_arrive_live_and_on_resume_and_deleting_a_reply_updates_the_count()
    {
        var (alice, bob) = (await app.UserAsync("alice"), await app.UserAsync("bob"));
        var id = await alice.GroupAsync("group", bob);
        var root = (await alice.SendAsync(id, "root")).Str("id");

        long seen;
        await using (var socket = await alice.OnlineAsync())
        {
            var reply = await ReplyAsync(bob, id, root, "live reply");
            var live = await socket.NextAsync(f => f.Is("message:new", id) && f.Data().GetProperty("message").Str("id") == reply.Str("id"));
            Assert.Equal(root, live.Data().GetProperty("message").Str("threadId"));
            var updated = await socket.NextAsync(f => f.Is("thread:updated", id));
            Assert.Equal(root, updated.Data().Str("rootId"));
            Assert.Equal(1, updated.Data().GetProperty("thread").GetProperty("replyCount").GetInt64());
            seen = updated.Cursor();
        }

        var missed = await ReplyAsync(bob, id, root, "missed reply");
        (await bob.DeleteAsync($"/api/conversations/{id}/messages/{missed.Str("id")}")).Expect(200);
        await using var again = await alice.OnlineAsync();
        var (ack, replayed) = await again.ExchangeAsync("resume", new { since = seen });
        Assert.True(ack.GetProperty("ok").GetBoolean(), ack.ToString());
        var types = replayed.Where(f => f.Type() != "notification:new").Types();
        Assert.Equal(["message:new", "thread:updated", "message:deleted", "thread:updated"], types);
        var threadEvents = replayed.Where(f => f.Type() == "thread:updated").ToList();
        Assert.Equal([2L, 1L], threadEvents.Select(f => f.Data().GetProperty("thread").GetProperty("replyCount").GetInt64()));
        Assert.Equal(root, replayed.First(f => f.Type() == "message:new").Data().GetProperty("message").Str("threadId"));
        Assert.Contains(replayed, f => f.Type() == "notification:new");
        var sync = (await alice.GetAsync($"/api/sync?since={seen}")).Expect(200);
        Assert.Equal(2, sync.GetProperty("events").EnumerateArray().Count(e => e.Str("type") == "thread:updated"));
        Assert.Equal(1, (await ThreadAsync(alice, id, root)).GetProperty("root").GetProperty("thread").GetProperty("replyCount").GetInt64());

        // Over the socket too: message:send with threadId.
        var ackSend = await again.RequestAsync("message:send", new { conversationId = id, content = "socket reply", threadId = root });
        Assert.True(ackSend.GetProperty("ok").GetBoolean(), ackSend.ToString());
        Assert.Equal(3, ackSend.Data().GetProperty("threadSeq").GetInt64());
    }
}
