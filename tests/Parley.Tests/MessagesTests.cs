using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Parley.Server.Messages;
using Parley.Tests.Support;

namespace Parley.Tests;

public sealed class MessagesTests(ParleyApp app) : IClassFixture<ParleyApp>
{
    [Fact]
    public async Task Sending_returns_the_message_with_its_seq_sender_and_the_seed_aliases()
    {
        var alice = await app.UserAsync("alice");
        var bob = await app.UserAsync("bob");
        var id = await alice.DirectWithAsync(bob);

        var response = await alice.PostAsync($"/api/conversations/{id}/messages", new { content = "Hello Bob", type = "text" });
        var m = response.Expect(201);
        Assert.Equal("Message sent successfully", response.Root.Str("message"));
        Assert.Equal(id, m.Str("conversationId"));
        Assert.Equal(1, m.Seq());
        Assert.Equal(alice.Id, m.Str("senderId"));
        Assert.Equal(alice.Id, m.GetProperty("sender").Str("id"));
        Assert.Equal(alice.Username, m.GetProperty("sender").Str("username"));
        Assert.Equal("alice", m.GetProperty("sender").Str("name"));
        Assert.Equal(bob.Id, m.Str("receiverId"));
        Assert.Equal("text", m.Str("type"));
        Assert.Equal("text", m.Str("messageType"));
        Assert.Equal("Hello Bob", m.Str("content"));
        Assert.Equal("Hello Bob", m.Str("message"));
        Assert.Equal(m.Str("createdAt"), m.Str("timestamp"));
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$", m.Str("createdAt"));
        Assert.Equal("saved", m.Str("status"));
        Assert.False(m.GetProperty("edited").GetBoolean());
        Assert.False(m.GetProperty("deleted").GetBoolean());
        Assert.False(m.GetProperty("read").GetBoolean());
        Assert.Equal(JsonValueKind.Null, m.GetProperty("editedAt").ValueKind);
        Assert.Equal(JsonValueKind.Null, m.GetProperty("payload").ValueKind);

        var second = await bob.SendAsync(id, "Hi Alice");
        Assert.Equal(2, second.Seq());
        Assert.Equal(alice.Id, second.Str("receiverId"));
        var history = await bob.HistoryAsync(id);
        Assert.Equal(["Hello Bob", "Hi Alice"], history.Select(h => h.Str("content")));
        Assert.Equal([1L, 2L], history.Select(h => h.Seq()));
        Assert.Equal(2, await app.EventCountAsync("message:new", id));
    }

    [Fact]
    public async Task Post_messages_accepts_each_seeds_body()
    {
        var alice = await app.UserAsync("alice");
        var bob = await app.UserAsync("bob");
        var group = await alice.GroupAsync("group", bob);

        // seed 001
        var m = (await alice.PostAsync("/api/messages", new
        {
            conversationId = group, message = "Task for you", messageType = "task", fileUrl = "https://example.com/file.pdf",
            payload = new { customData = "value", nested = new { n = 1, list = new[] { 1, 2 } } },
        })).Expect(201);
        Assert.Equal("task", m.Str("messageType"));
        Assert.Equal("Task for you", m.Str("message"));
        Assert.Equal("https://example.com/file.pdf", m.Str("fileUrl"));
        Assert.Equal("value", m.GetProperty("payload").Str("customData"));
        Assert.Equal(2, m.GetProperty("payload").GetProperty("nested").GetProperty("list")[1].GetInt32());
        Assert.False(m.TryGetProperty("receiverId", out _));

        // seed 004: snake_case, sender_id naming the caller
        var m4 = (await bob.PostAsync("/api/messages", new { conversation_id = group, sender_id = bob.Id, message = "Hello, how are you?" })).Expect(201);
        Assert.Equal(bob.Id, m4.Str("senderId"));
        Assert.Equal(2, m4.Seq());
        (await bob.PostAsync("/api/messages", new { conversation_id = group, sender_id = alice.Id, message = "as alice" })).ExpectError(403, "forbidden");

        // seed 002: receiverId naming a user opens (then reuses) the direct conversation; naming a conversation sends there
        var carol = await app.UserAsync("carol");
        var d1 = (await alice.PostAsync("/api/messages", new { senderId = alice.Id, receiverId = carol.Id, content = "hi carol" })).Expect(201);
        var d2 = (await alice.PostAsync("/api/messages", new { receiverId = carol.Id, content = "again" })).Expect(201);
        Assert.Equal(d1.Str("conversationId"), d2.Str("conversationId"));
        Assert.Equal(2, d2.Seq());
        Assert.Equal(carol.Id, d2.Str("receiverId"));
        Assert.Equal(d1.Str("conversationId"), await alice.DirectWithAsync(carol));
        Assert.Equal(["hi carol", "again"], (await carol.HistoryAsync(d1.Str("conversationId"))).Select(h => h.Str("content")));
        var viaConversation = (await bob.PostAsync("/api/messages", new { receiverId = group, content = "to the group" })).Expect(201);
        Assert.Equal(group, viaConversation.Str("conversationId"));

        (await alice.PostAsync("/api/messages", new { receiverId = Guid.NewGuid().ToString(), content = "x" })).ExpectError(404);
        (await alice.PostAsync("/api/messages", new { content = "nowhere" })).ExpectError(400, "validation_failed");
    }

    [Fact]
    public async Task Invalid_messages_are_rejected_with_field_errors()
    {
        var alice = await app.UserAsync("alice");
        var bob = await app.UserAsync("bob");
        var id = await alice.DirectWithAsync(bob);
        var other = await alice.DirectWithAsync(await app.UserAsync("carol"));
        var path = $"/api/conversations/{id}/messages";

        async Task Rejected(object body, int status, string field)
        {
            var r = await alice.PostAsync(path, body);
            r.ExpectError(status);
            if (status == 400) Assert.True(r.Error.GetProperty("details").TryGetProperty(field, out _), r.Root.ToString());
        }

        await Rejected(new { content = "x", type = "system" }, 400, "type");
        await Rejected(new { content = "x", type = "sticker" }, 400, "type");
        await Rejected(new { content = "   " }, 400, "content");
        await Rejected(new { type = "text" }, 400, "content");
        await Rejected(new { content = new string('a', 4001) }, 400, "content");
        await Rejected(new { content = "x", fileUrl = "javascript:alert(1)" }, 400, "fileUrl");
        await Rejected(new { type = "file", content = "no url" }, 400, "fileUrl");
        await Rejected(new { content = "x", payload = "not an object" }, 400, "payload");
        await Rejected(new { content = "x", payload = new[] { 1, 2 } }, 400, "payload");
        await Rejected(new { content = "x", payload = new { big = new string('p', 17 * 1024) } }, 413, "payload");
        await Rejected(new { content = 42 }, 400, "content");
        var elsewhere = await alice.SendAsync(other, "in another conversation");
        await Rejected(new { content = "x", replyToId = elsewhere.Str("id") }, 400, "replyToId");

        var malformed = await ApiResponse.ReadAsync(await alice.Http.PostAsync(path, new StringContent("{\"content\":", Encoding.UTF8, "application/json")));
        malformed.ExpectError(400);

        Assert.Empty(await alice.HistoryAsync(id));
        var longest = await alice.SendAsync(id, new string('a', 4000));
        Assert.Equal(4000, longest.Str("content").Length);
        var file = (await alice.PostAsync(path, new { type = "FILE", fileUrl = "https://cdn.example.com/a.png" })).Expect(201);
        Assert.Equal("file", file.Str("type"));
        Assert.Equal(JsonValueKind.Null, file.GetProperty("content").ValueKind);
        var split = (await alice.PostAsync(path, new { messageType = "splitmoney", payload = new { amount = 12.5 } })).Expect(201);
        Assert.Equal("splitMoney", split.Str("type"));
        var reply = (await bob.PostAsync(path, new { content = "answer", reply_to_id = longest.Str("id") })).Expect(201);
        Assert.Equal(longest.Str("id"), reply.Str("replyToId"));
        Assert.Equal([1L, 2L, 3L, 4L], (await alice.HistoryAsync(id)).Select(h => h.Seq()));
    }

    [Fact]
    public async Task A_repeated_clientMessageId_returns_the_original_without_a_second_row_or_event()
    {
        var alice = await app.UserAsync("alice");
        var bob = await app.UserAsync("bob");
        var id = await alice.DirectWithAsync(bob);
        var body = new { content = "only once", clientMessageId = "c-1" };

        var first = await alice.PostAsync($"/api/conversations/{id}/messages", body);
        var original = first.Expect(201);
        var again = await alice.PostAsync($"/api/conversations/{id}/messages", body);
        var repeat = again.Expect(200);
        var viaAlias = (await alice.PostAsync("/api/messages", new { conversationId = id, message = "different text", client_message_id = "c-1" })).Expect(200);

        Assert.Equal(original.Str("id"), repeat.Str("id"));
        Assert.Equal(original.Str("id"), viaAlias.Str("id"));
        Assert.Equal("only once", viaAlias.Str("content"));
        Assert.Equal("c-1", repeat.Str("clientMessageId"));
        Assert.Equal(1, await app.ScalarAsync("SELECT COUNT(*) FROM messages WHERE conversation_id = @id", new { id }));
        Assert.Equal(1, await app.EventCountAsync("message:new", id));

        // The seq the retries would have taken was rolled back: the next message is 2, and bob may reuse the id.
        var bobs = (await bob.PostAsync($"/api/conversations/{id}/messages", body)).Expect(201);
        Assert.Equal(2, bobs.Seq());
        Assert.Equal(3, (await alice.SendAsync(id, "next")).Seq());
    }

    [Fact]
    public async Task Seqs_stay_gap_free_under_many_concurrent_senders()
    {
        var owner = await app.UserAsync("owner");
        var others = new List<TestUser>();
        for (var i = 0; i < 7; i++) others.Add(await app.UserAsync($"member{i}"));
        var id = await owner.GroupAsync("group", [.. others]);
        var senders = others.Prepend(owner).ToList();

        var seqs = await Task.WhenAll(senders.Select(async (user, n) =>
        {
            var mine = new List<long>();
            for (var i = 0; i < 25; i++)
                mine.Add((await user.PostAsync($"/api/conversations/{id}/messages", new { content = $"{n}:{i}", clientMessageId = $"{n}-{i}" })).Expect(201).Seq());
            return mine;
        }));

        Assert.Equal(Enumerable.Range(1, 200).Select(i => (long)i), seqs.SelectMany(s => s).Order());
        Assert.All(seqs, mine => Assert.Equal(mine.Order(), mine));
        var history = (await owner.HistoryAsync(id, "limit=100&page=2")).Concat(await owner.HistoryAsync(id, "limit=100&page=1")).ToList();
        Assert.Equal(Enumerable.Range(1, 200).Select(i => (long)i), history.Select(h => h.Seq()));
        Assert.Equal(200, await app.ScalarAsync("SELECT last_seq FROM conversations WHERE id = @id", new { id }));
        Assert.Equal(200, await app.EventCountAsync("message:new", id));
    }

    [Fact]
    public async Task Channels_take_posts_from_owners_and_admins_only_and_outsiders_see_nothing()
    {
        var owner = await app.UserAsync("owner");
        var member = await app.UserAsync("member");
        var outsider = await app.UserAsync("outsider");
        var channel = await owner.GroupAsync("channel", member);

        (await member.PostAsync($"/api/conversations/{channel}/messages", new { content = "may I?" })).ExpectError(403, "forbidden");
        var announcement = await owner.SendAsync(channel, "Announcement");
        (await owner.PutAsync($"/api/conversations/{channel}/members/{member.Id}/role", new { role = "ADMIN" })).Expect(200);
        await member.SendAsync(channel, "now I may");
        Assert.Equal(["Announcement", "now I may"],
            (await member.HistoryAsync(channel)).Where(h => h.Str("type") == "text").Select(h => h.Str("content")));

        var mid = announcement.Str("id");
        (await outsider.PostAsync($"/api/conversations/{channel}/messages", new { content = "hi" })).ExpectError(404, "not_found");
        (await outsider.PostAsync("/api/messages", new { conversationId = channel, message = "hi" })).ExpectError(404, "not_found");
        (await outsider.GetAsync($"/api/conversations/{channel}/messages")).ExpectError(404);
        (await outsider.GetAsync($"/api/messages/conversation/{channel}")).ExpectError(404);
        (await outsider.GetAsync($"/api/conversations/{channel}/messages/{mid}")).ExpectError(404);
        (await outsider.PutAsync($"/api/messages/{mid}", new { message = "x" })).ExpectError(404);
        (await outsider.DeleteAsync($"/api/messages/{mid}")).ExpectError(404);
        (await outsider.PutAsync($"/api/messages/{mid}/read")).ExpectError(404);
        (await outsider.PostAsync($"/api/conversations/{channel}/read")).ExpectError(404);
        (await outsider.GetAsync($"/api/messages/unread/count/{channel}")).ExpectError(404);
        (await owner.GetAsync($"/api/messages/{Guid.NewGuid()}/x")).ExpectError(404);
        (await owner.PutAsync($"/api/messages/{Guid.NewGuid()}", new { message = "x" })).ExpectError(404, "not_found");
        Assert.Equal("Announcement", (await owner.GetAsync($"/api/conversations/{channel}/messages/{mid}")).Expect(200).Str("content"));
    }

    [Fact]
    public async Task Only_the_sender_edits_and_edits_show_in_history_and_events()
    {
        var alice = await app.UserAsync("alice");
        var bob = await app.UserAsync("bob");
        var id = await alice.GroupAsync("group", bob);
        var m = await alice.SendAsync(id, "frist");
        var mid = m.Str("id");

        var edited = (await alice.PutAsync($"/api/conversations/{id}/messages/{mid}", new { newContent = "first" })).Expect(200);
        Assert.True(edited.GetProperty("edited").GetBoolean());
        Assert.Equal("first", edited.Str("content"));
        Assert.Equal("first", edited.Str("message"));
        Assert.NotEqual(JsonValueKind.Null, edited.GetProperty("editedAt").ValueKind);
        Assert.Equal(1, edited.Seq());

        var viaAlias = (await alice.PutAsync($"/api/messages/{mid}", new { message = "first!" })).Expect(200);
        Assert.Equal("first!", viaAlias.Str("message"));
        (await bob.PutAsync($"/api/messages/{mid}", new { message = "hijack" })).ExpectError(403, "forbidden");
        (await alice.PutAsync($"/api/messages/{mid}", new { message = "" })).ExpectError(400);
        (await alice.PutAsync($"/api/messages/{mid}", new { message = new string('x', 4001) })).ExpectError(400);
        var otherConversation = await alice.DirectWithAsync(bob);
        (await alice.PutAsync($"/api/conversations/{otherConversation}/messages/{mid}", new { newContent = "moved" })).ExpectError(404);

        var history = await bob.HistoryAsync(id);
        var row = Assert.Single(history, h => h.Str("id") == mid);
        Assert.Equal("first!", row.Str("content"));
        Assert.True(row.GetProperty("edited").GetBoolean());
        Assert.Equal(2, await app.EventCountAsync("message:updated", id));
        var list = (await bob.GetAsync("/api/conversations")).Expect(200).EnumerateArray().Single(c => c.Str("id") == id);
        Assert.Equal("first!", list.GetProperty("lastMessage").Str("content"));

        (await alice.DeleteAsync($"/api/messages/{mid}")).Expect(200);
        (await alice.PutAsync($"/api/messages/{mid}", new { message = "undead" })).ExpectError(409, "conflict");
    }

    [Fact]
    public async Task Soft_delete_keeps_the_row_and_admins_moderate_groups_but_not_direct_conversations()
    {
        var owner = await app.UserAsync("owner");
        var bob = await app.UserAsync("bob");
        var carol = await app.UserAsync("carol");
        var group = await owner.GroupAsync("group", bob, carol);
        var bobs = await bob.SendAsync(group, "bob's words");
        var carols = await carol.SendAsync(group, "carol's words");
        await bob.SendAsync(group, "last one");

        (await carol.DeleteAsync($"/api/messages/{bobs.Str("id")}")).ExpectError(403, "forbidden");
        var deleted = (await owner.DeleteAsync($"/api/conversations/{group}/messages/{bobs.Str("id")}")).Expect(200);
        Assert.True(deleted.GetProperty("deleted").GetBoolean());
        Assert.Equal(owner.Id, deleted.Str("deletedBy"));
        Assert.Equal(bobs.Str("id"), deleted.Str("id"));
        Assert.NotEqual(JsonValueKind.Null, deleted.GetProperty("deletedAt").ValueKind);
        var own = (await carol.DeleteAsync($"/api/messages/{carols.Str("id")}")).Expect(200);
        Assert.Equal(carol.Id, own.Str("deletedBy"));
        var twice = (await carol.DeleteAsync($"/api/messages/{carols.Str("id")}")).Expect(200);
        Assert.Equal(own.Str("deletedAt"), twice.Str("deletedAt"));

        var history = await bob.HistoryAsync(group);
        Assert.Equal([1L, 2L, 3L], history.Select(h => h.Seq()));
        Assert.True(history[0].GetProperty("deleted").GetBoolean());
        Assert.Equal(JsonValueKind.Null, history[0].GetProperty("content").ValueKind);
        Assert.Equal(JsonValueKind.Null, history[0].GetProperty("message").ValueKind);
        Assert.Equal(owner.Id, history[0].Str("deletedBy"));
        Assert.Equal("last one", history[2].Str("content"));
        Assert.Equal(2, await app.EventCountAsync("message:deleted", group));
        Assert.Equal(0, await app.ScalarAsync("SELECT COUNT(*) FROM messages WHERE content = 'bob''s words'"));

        // The list's lastMessage follows a deletion of the newest message.
        var last = (await bob.HistoryAsync(group))[2].Str("id");
        (await bob.DeleteAsync($"/api/messages/{last}")).Expect(200);
        var listed = (await owner.GetAsync("/api/conversations")).Expect(200).EnumerateArray().Single(c => c.Str("id") == group);
        Assert.True(listed.GetProperty("lastMessage").GetProperty("deleted").GetBoolean());
        Assert.Equal(JsonValueKind.Null, listed.GetProperty("lastMessage").GetProperty("content").ValueKind);

        var direct = await owner.DirectWithAsync(bob);
        var dm = await bob.SendAsync(direct, "private");
        (await owner.DeleteAsync($"/api/messages/{dm.Str("id")}")).ExpectError(403, "forbidden");
        Assert.False((await owner.HistoryAsync(direct))[0].GetProperty("deleted").GetBoolean());
    }

    [Fact]
    public async Task Sending_into_a_direct_conversation_the_other_side_left_brings_them_back()
    {
        var alice = await app.UserAsync("alice");
        var bob = await app.UserAsync("bob");
        var id = await alice.DirectWithAsync(bob);
        await alice.SendAsync(id, "before");
        (await bob.DeleteAsync($"/api/conversations/{id}/leave")).Expect(200);
        (await bob.GetAsync($"/api/conversations/{id}/messages")).ExpectError(404);

        var m = await alice.SendAsync(id, "are you there?");
        Assert.Equal(bob.Id, m.Str("receiverId"));
        var history = await bob.HistoryAsync(id);
        Assert.Equal("are you there?", history[^1].Str("content"));
        Assert.Equal(1, await bob.UnreadAsync(id));
        Assert.Contains((await bob.GetAsync("/api/conversations")).Expect(200).EnumerateArray(), c => c.Str("id") == id);
    }

    [Fact]
    public async Task Pages_are_seq_ranges_counted_from_the_newest_and_cursors_page_both_ways()
    {
        var alice = await app.UserAsync("alice");
        var bob = await app.UserAsync("bob");
        var id = await alice.DirectWithAsync(bob);
        for (var i = 1; i <= 250; i++) await (i % 2 == 0 ? bob : alice).SendAsync(id, $"m{i}");

        async Task<JsonElement> Page(string query, string path = "conversations/{0}/messages") =>
            (await alice.GetAsync($"/api/{string.Format(path, id)}?{query}")).Expect(200);
        static long[] Seqs(JsonElement data) => data.GetProperty("messages").EnumerateArray().Select(m => m.Seq()).ToArray();
        static long[] Range(long from, long to) => Enumerable.Range((int)from, (int)(to - from + 1)).Select(i => (long)i).ToArray();

        var first = await Page("");
        Assert.Equal(Range(201, 250), Seqs(first));
        var p = first.GetProperty("pagination");
        Assert.Equal(1, p.GetProperty("currentPage").GetInt32());
        Assert.Equal(5, p.GetProperty("totalPages").GetInt32());
        Assert.Equal(250, p.GetProperty("totalMessages").GetInt64());
        Assert.True(p.GetProperty("hasNextPage").GetBoolean());
        Assert.False(p.GetProperty("hasPrevPage").GetBoolean());
        Assert.Equal(50, p.GetProperty("limit").GetInt32());
        Assert.Equal("m250", first.GetProperty("messages")[49].Str("content"));

        var fifth = await Page("page=5&limit=50");
        Assert.Equal(Range(1, 50), Seqs(fifth));
        Assert.False(fifth.GetProperty("pagination").GetProperty("hasNextPage").GetBoolean());
        Assert.True(fifth.GetProperty("pagination").GetProperty("hasPrevPage").GetBoolean());
        Assert.Empty(Seqs(await Page("page=6&limit=50")));
        var odd = await Page("page=36&limit=7");
        Assert.Equal(Range(1, 5), Seqs(odd));
        Assert.Equal(36, odd.GetProperty("pagination").GetProperty("totalPages").GetInt32());
        Assert.Equal(Range(48, 54), Seqs(await Page("page=29&limit=7")));
        Assert.Equal(100, Seqs(await Page("limit=1000")).Length);
        Assert.Equal(Seqs(await Page("page=2&limit=20")), Seqs(await Page("page=2&limit=20", "messages/conversation/{0}")));
        Assert.Equal(Seqs(await Page("page=3&limit=20")), Seqs(await Page("page=3&limit=20", "messages/{0}")));

        var before = await Page("before=100&limit=20");
        Assert.Equal(Range(80, 99), Seqs(before));
        Assert.True(before.GetProperty("hasMore").GetBoolean());
        Assert.Equal(80, before.GetProperty("oldestSeq").GetInt64());
        var start = await Page("before=10&limit=20");
        Assert.Equal(Range(1, 9), Seqs(start));
        Assert.False(start.GetProperty("hasMore").GetBoolean());
        var after = await Page("after=0&limit=10");
        Assert.Equal(Range(1, 10), Seqs(after));
        Assert.True(after.GetProperty("hasMore").GetBoolean());
        var end = await Page("after=240&limit=20");
        Assert.Equal(Range(241, 250), Seqs(end));
        Assert.False(end.GetProperty("hasMore").GetBoolean());
        Assert.Empty(Seqs(await Page("after=250")));

        // Walking back with the cursor visits every message once.
        var seen = new List<long>();
        long? cursor = null;
        do
        {
            var page = await Page(cursor is null ? "before=251&limit=64" : $"before={cursor}&limit=64");
            seen.InsertRange(0, Seqs(page));
            cursor = page.GetProperty("hasMore").GetBoolean() ? page.GetProperty("oldestSeq").GetInt64() : null;
        } while (cursor is not null);
        Assert.Equal(Range(1, 250), seen.ToArray());

        (await alice.GetAsync($"/api/conversations/{id}/messages?page=abc")).ExpectError(400);
        (await alice.GetAsync($"/api/conversations/{id}/messages?before=x")).ExpectError(400);
        (await alice.GetAsync($"/api/conversations/{id}/messages?before=5&after=1")).ExpectError(400);
    }

    [Fact]
    public async Task Mentions_of_members_create_notifications()
    {
        var alice = await app.UserAsync("alice");
        var bob = await app.UserAsync("bob");
        var carol = await app.UserAsync("carol");
        var outsider = await app.UserAsync("dave");
        var id = await alice.GroupAsync("group", bob, carol);

        var m = await alice.SendAsync(id, $"hey @{bob.Username}, @{carol.Username.ToUpperInvariant()}. and @{outsider.Username} and @{alice.Username} email@{bob.Username}");

        const string sql = "SELECT COUNT(*) FROM notifications WHERE user_id = @user AND type = 'message.mention' AND data LIKE @like";
        var like = $"%{m.Str("id")}%";
        Assert.Equal(1, await app.ScalarAsync(sql, new { user = bob.Id, like }));
        Assert.Equal(1, await app.ScalarAsync(sql, new { user = carol.Id, like }));
        Assert.Equal(0, await app.ScalarAsync(sql, new { user = outsider.Id, like }));
        Assert.Equal(0, await app.ScalarAsync(sql, new { user = alice.Id, like }));
        Assert.Equal(1, await app.ScalarAsync("SELECT COUNT(*) FROM events WHERE type = 'notification:new' AND user_id = @user AND data LIKE @like",
            new { user = bob.Id, like }));

        await alice.PostAsync($"/api/conversations/{id}/messages", new { type = "note", content = $"@{bob.Username} not for text only" });
        Assert.Equal(1, await app.ScalarAsync("SELECT COUNT(*) FROM notifications WHERE user_id = @user AND type = 'message.mention'", new { user = bob.Id }));
    }

    [Fact]
    public async Task Membership_changes_leave_system_messages_in_history()
    {
        var owner = await app.UserAsync("owner");
        var bob = await app.UserAsync("bob");
        var dave = await app.UserAsync("dave");
        var id = await owner.GroupAsync("group", bob);
        Assert.Empty(await owner.HistoryAsync(id));

        (await owner.PostAsync($"/api/conversations/{id}/members", new { user_id = dave.Id })).Expect(200);
        (await owner.PutAsync($"/api/conversations/{id}/members/{bob.Id}/role", new { role = "ADMIN" })).Expect(200);
        (await dave.DeleteAsync($"/api/conversations/{id}/leave")).Expect(200);
        (await owner.DeleteAsync($"/api/conversations/{id}/members/{bob.Id}")).Expect(200);

        var history = await owner.HistoryAsync(id);
        Assert.All(history, h => Assert.Equal("system", h.Str("type")));
        Assert.Equal([1L, 2L, 3L, 4L], history.Select(h => h.Seq()));
        var events = history.Select(h => h.GetProperty("payload").Str("event")).ToList();
        Assert.Equal(["member_added", "role_changed", "member_left", "member_removed"], events);
        Assert.Equal(dave.Id, history[0].GetProperty("payload").Str("userId"));
        Assert.Equal(owner.Id, history[0].Str("senderId"));
        Assert.Equal("owner added dave", history[0].Str("content"));
        Assert.Equal("ADMIN", history[1].GetProperty("payload").Str("role"));
        Assert.Equal(dave.Id, history[2].Str("senderId"));
        Assert.Equal("dave left", history[2].Str("content"));
        Assert.Equal(bob.Id, history[3].GetProperty("payload").Str("userId"));

        // The owner leaving hands over ownership, which is announced too.
        var carol = await app.UserAsync("carol");
        (await owner.PostAsync($"/api/conversations/{id}/members", new { user_id = carol.Id })).Expect(200);
        (await owner.DeleteAsync($"/api/conversations/{id}/leave")).Expect(200);
        var tail = (await carol.HistoryAsync(id)).TakeLast(2).ToList();
        Assert.Equal(["member_left", "owner_changed"], tail.Select(h => h.GetProperty("payload").Str("event")));
        Assert.Equal(carol.Id, tail[1].GetProperty("payload").Str("userId"));
        (await carol.DeleteAsync($"/api/messages/{tail[1].Str("id")}")).ExpectError(400);
        (await carol.PutAsync($"/api/messages/{tail[1].Str("id")}", new { message = "x" })).ExpectError(400);

        var direct = await owner.DirectWithAsync(bob);
        Assert.Empty(await bob.HistoryAsync(direct));
    }

    [Fact]
    public async Task The_service_answers_gateway_commands_with_the_same_rules()
    {
        var alice = await app.UserAsync("alice");
        var bob = await app.UserAsync("bob");
        var outsider = await app.UserAsync("outsider");
        var id = await alice.DirectWithAsync(bob);
        var service = app.Services.GetRequiredService<MessageService>();

        var sent = await service.SendAsync(alice.Id, new SendMessageRequest(ConversationId: id, Content: "over the socket", ClientMessageId: "ws-1"), default);
        Assert.True(sent.Ok);
        Assert.True(sent.Value!.Created);
        Assert.Equal(1, sent.Value.Message.Seq);
        var retry = await service.SendAsync(alice.Id, new SendMessageRequest(ConversationId: id, Content: "over the socket", ClientMessageId: "ws-1"), default);
        Assert.False(retry.Value!.Created);
        Assert.Equal(sent.Value.Message.Id, retry.Value.Message.Id);
        Assert.Equal(404, (await service.SendAsync(outsider.Id, new SendMessageRequest(ConversationId: id, Content: "x"), default)).Error!.Status);

        var messageId = sent.Value.Message.Id;
        var edited = await service.EditAsync(alice.Id, new EditMessageRequest(NewContent: "edited", MessageId: messageId), default);
        Assert.Equal("edited", edited.Value!.Content);
        Assert.Equal(400, (await service.EditAsync(alice.Id, new EditMessageRequest(NewContent: "no id"), default)).Error!.Status);
        Assert.Equal(403, (await service.EditAsync(bob.Id, new EditMessageRequest(NewContent: "mine now", MessageId: messageId), default)).Error!.Status);

        var read = await service.MarkReadAsync(bob.Id, new ReadRequest(MessageId: messageId), default);
        Assert.Equal(1, read.Value!.LastReadSeq);
        Assert.Equal(id, read.Value.ConversationId);
        Assert.Equal(404, (await service.MarkReadAsync(outsider.Id, new ReadRequest(MessageId: messageId), default)).Error!.Status);

        var page = await service.ListAsync(bob.Id, new ListMessages(id, Limit: 10), default);
        Assert.True(page.Value!.Messages.Single().Read);
        var deleted = await service.DeleteAsync(alice.Id, new DeleteMessageRequest(messageId, id), default);
        Assert.True(deleted.Value!.Deleted);
        Assert.Null((await service.GetAsync(bob.Id, id, messageId, default)).Value!.Content);
        Assert.Equal(0, (await service.UnreadAsync(bob.Id, null, default)).Value!.UnreadCount);
    }
}
