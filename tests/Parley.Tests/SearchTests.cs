using System.Text.Json;
using Parley.Server.Api;
using Parley.Server.Data;
using Parley.Server.Messages;
using Parley.Tests.Support;

namespace Parley.Tests;

public sealed class SearchTests(ParleyApp app) : IClassFixture<ParleyApp>
{
    private static async Task<JsonElement> SearchAsync(TestUser user, string query) =>
        (await user.GetAsync($"/api/search/messages?{query}")).Expect(200);

    private static List<string> Contents(JsonElement page) =>
        page.GetProperty("hits").EnumerateArray().Select(h => h.GetProperty("message").Str("content")).ToList();

    [Fact]
    public async Task Finds_words_in_my_conversations_newest_first_with_conversation_and_highlighted_snippet()
    {
        var alice = await app.UserAsync("alice");
        var bob = await app.UserAsync("bob");
        var carol = await app.UserAsync("carol");
        var direct = await alice.DirectWithAsync(bob);
        var group = await alice.GroupAsync("group", bob);
        var elsewhere = await carol.GroupAsync("group");
        await alice.SendAsync(direct, "Lunch at the harbour <b>tomorrow</b>?");
        await bob.SendAsync(group, "The harbourmaster called about the boat");
        await carol.SendAsync(elsewhere, "harbour secrets nobody else sees");
        await alice.SendAsync(group, "unrelated words only");

        var page = await SearchAsync(bob, "q=harbour*");
        Assert.Equal(["The harbourmaster called about the boat", "Lunch at the harbour <b>tomorrow</b>?"], Contents(page));
        var hits = page.GetProperty("hits").EnumerateArray().ToList();
        Assert.Equal(group, hits[0].GetProperty("conversation").Str("id"));
        Assert.Equal("group", hits[0].GetProperty("conversation").Str("type"));
        Assert.Equal(direct, hits[1].GetProperty("conversation").Str("id"));
        Assert.Equal("alice", hits[1].GetProperty("conversation").Str("name"));
        Assert.Equal(alice.Id, hits[1].GetProperty("message").Str("senderId"));
        // The snippet is safe HTML: the text escaped, the matched words marked.
        Assert.Contains("<mark>harbour</mark> &lt;b&gt;tomorrow", hits[1].Str("snippet"));
        Assert.DoesNotContain("<b>", hits[1].Str("snippet"));
        Assert.Contains("<mark>harbourmaster</mark>", hits[0].Str("snippet"));
        Assert.False(page.GetProperty("hasMore").GetBoolean());
        Assert.Equal(JsonValueKind.Null, page.GetProperty("nextCursor").ValueKind);

        // Every word must match, whole unless written with a trailing *.
        Assert.Equal(["The harbourmaster called about the boat"], Contents(await SearchAsync(bob, "q=boat%20harb*")));
        Assert.Empty(Contents(await SearchAsync(bob, "q=boat%20harb")));
        Assert.Equal(2, Contents(await SearchAsync(bob, "q=harbour*")).Count);
        Assert.Empty(Contents(await SearchAsync(bob, "q=boat%20lunch")));
        Assert.Empty(Contents(await SearchAsync(bob, "q=secrets")));
        Assert.Single(Contents(await SearchAsync(carol, "q=secrets")));
    }

    [Fact]
    public async Task Edits_are_reindexed_and_deleted_messages_and_left_conversations_are_never_found()
    {
        var alice = await app.UserAsync("alice");
        var bob = await app.UserAsync("bob");
        var group = await alice.GroupAsync("group", bob);
        var draft = await alice.SendAsync(group, "quarterly numbers draft");
        var gone = await alice.SendAsync(group, "quarterly confidential figures");
        (await alice.PutAsync($"/api/conversations/{group}/messages/{draft.Str("id")}", new { content = "yearly numbers final" })).Expect(200);
        (await alice.DeleteAsync($"/api/conversations/{group}/messages/{gone.Str("id")}")).Expect(200);

        Assert.Empty(Contents(await SearchAsync(bob, "q=quarterly")));
        Assert.Empty(Contents(await SearchAsync(bob, "q=confidential")));
        var edited = await SearchAsync(bob, "q=yearly");
        Assert.Equal(["yearly numbers final"], Contents(edited));
        Assert.True(edited.GetProperty("hits")[0].GetProperty("message").GetProperty("edited").GetBoolean());

        (await bob.DeleteAsync($"/api/conversations/{group}/leave")).Expect(200);
        Assert.Empty(Contents(await SearchAsync(bob, "q=yearly")));
        Assert.Single(Contents(await SearchAsync(alice, "q=yearly")));
        // Naming a conversation one is not in finds nothing rather than telling it exists.
        Assert.Empty(Contents(await SearchAsync(bob, $"q=yearly&conversationId={group}")));
    }

    [Fact]
    public async Task A_message_edited_or_rolled_back_in_the_transaction_that_stores_it_is_indexed_as_it_ends_up()
    {
        // On SQLite a send is indexed when its writer batch commits, so an edit in the same batch meets an unindexed row.
        var alice = await app.UserAsync("alice");
        var group = await alice.GroupAsync("group", await app.UserAsync("bob"));
        MessageRow Row(string content, long seq) => new()
        {
            Id = Guid.CreateVersion7().ToString(), ConversationId = group, Seq = seq, SenderId = alice.Id, Content = content, CreatedAt = Clock.NowMs(),
        };
        await app.Db.WriteAsync(async (connection, tx) =>
        {
            var row = Row("walrus before the edit", 1_000_001);
            await MessageStore.InsertAsync(connection, tx, row);
            return await MessageStore.EditAsync(connection, tx, row.Id, "narwhal after the edit", Clock.NowMs());
        });
        await app.Db.TryWriteAsync<bool>(async (connection, tx) =>
        {
            await MessageStore.InsertAsync(connection, tx, Row("walrus rolled back", 1_000_002));
            return Failure.Conflict("rolled back");
        });
        await alice.SendAsync(group, "walrus sent after");

        Assert.Equal(["walrus sent after"], Contents(await SearchAsync(alice, "q=walrus")));
        Assert.Equal(["narwhal after the edit"], Contents(await SearchAsync(alice, "q=narwhal")));
    }

    [Fact]
    public async Task Filters_narrow_by_conversation_sender_time_type_and_file()
    {
        var alice = await app.UserAsync("alice");
        var bob = await app.UserAsync("bob");
        var one = await alice.GroupAsync("group", bob);
        var two = await alice.DirectWithAsync(bob);
        await alice.SendAsync(one, "report from alice in one");
        var middle = await bob.SendAsync(one, "report from bob in one");
        await alice.SendAsync(two, "report from alice in two");
        (await bob.PostAsync($"/api/conversations/{two}/messages",
            new { type = "file", content = "report attached", fileUrl = "https://files.example.com/r.pdf" })).Expect(201);

        Assert.Equal(2, Contents(await SearchAsync(bob, $"q=report&conversationId={one}")).Count);
        Assert.Equal(["report attached", "report from bob in one"], Contents(await SearchAsync(alice, $"q=report&from={bob.Id}")));
        Assert.Equal(["report attached"], Contents(await SearchAsync(alice, "q=report&hasFile=true")));
        Assert.Equal(["report attached"], Contents(await SearchAsync(alice, "q=report&type=file")));
        Assert.Equal(3, Contents(await SearchAsync(alice, "q=report&hasFile=false")).Count);
        var at = DateTimeOffset.Parse(middle.Str("createdAt")).ToUnixTimeMilliseconds();
        Assert.DoesNotContain("report from bob in one", Contents(await SearchAsync(alice, $"q=report&after={at}")));
        Assert.DoesNotContain("report from bob in one", Contents(await SearchAsync(alice, $"q=report&before={at}")));
        Assert.Equal(4, Contents(await SearchAsync(alice, $"q=report&after={Uri.EscapeDataString("2020-01-01T00:00:00Z")}")).Count);
        Assert.Empty(Contents(await SearchAsync(alice, $"q=report&before={Uri.EscapeDataString("2020-01-01T00:00:00Z")}")));
    }

    [Fact]
    public async Task Hits_carry_files_and_reactions_and_a_file_is_a_file_url_or_an_attachment()
    {
        var alice = await app.UserAsync("alice");
        var bob = await app.UserAsync("bob");
        var group = await alice.GroupAsync("group", bob);
        var upload = (await alice.UploadedAsync(TestImages.Png(8, 8), "chart.png")).Str("id");
        var sent = await alice.SendFilesAsync(group, "quarterly chart", upload);
        await alice.SendAsync(group, "quarterly words only");
        (await bob.PutAsync($"/api/conversations/{group}/messages/{sent.Str("id")}/reactions/{Uri.EscapeDataString("🎉")}")).Expect(200);

        foreach (var sort in new[] { "newest", "relevance" })
        {
            var hit = (await SearchAsync(bob, $"q=quarterly&hasFile=true&sort={sort}")).GetProperty("hits").EnumerateArray().Single().GetProperty("message");
            Assert.Equal(upload, hit.Attachments()[0].Str("id"));
            Assert.Contains($"s=u.{bob.Id}", Uri.UnescapeDataString(hit.Attachments()[0].Str("url")));
            var reaction = hit.GetProperty("reactions")[0];
            Assert.Equal("🎉", reaction.Str("emoji"));
            Assert.True(reaction.GetProperty("me").GetBoolean());
        }
        Assert.Equal(["quarterly words only"], Contents(await SearchAsync(bob, "q=quarterly&hasFile=false")));
        // The conversation's own index token is no word of its text; a two-letter prefix uses its prefix index.
        Assert.Empty(Contents(await SearchAsync(bob, $"q={group.Replace("-", "")}")));
        Assert.Equal(2, Contents(await SearchAsync(bob, $"q=qu*&conversationId={group}")).Count);
        Assert.Equal(2, Contents(await SearchAsync(bob, $"q=qu*&conversationId={group}&sort=relevance")).Count);
    }

    [Fact]
    public async Task Pages_follow_the_cursor_in_both_sorts_without_repeats()
    {
        var alice = await app.UserAsync("alice");
        var group = await alice.GroupAsync("group");
        for (var i = 1; i <= 7; i++) await alice.SendAsync(group, i % 3 == 0 ? $"pager pager pager {i}" : $"pager note {i}");

        foreach (var sort in new[] { "newest", "relevance" })
        {
            var seen = new List<string>();
            string? cursor = null;
            do
            {
                var page = await SearchAsync(alice, $"q=pager&limit=3&sort={sort}" + (cursor is null ? "" : $"&cursor={Uri.EscapeDataString(cursor)}"));
                seen.AddRange(Contents(page));
                cursor = page.GetProperty("nextCursor").GetString();
                Assert.Equal(cursor is not null, page.GetProperty("hasMore").GetBoolean());
            } while (cursor is not null);
            Assert.Equal(7, seen.Distinct().Count());
            Assert.Equal(7, seen.Count);
            if (sort == "newest") Assert.Equal(Enumerable.Range(1, 7).Reverse().Select(i => i.ToString()), seen.Select(s => s.Split(' ')[^1]));
            else Assert.All(seen.Take(2), s => Assert.StartsWith("pager pager", s));
        }
    }

    [Theory]
    [InlineData("\"unbalanced")]
    [InlineData("a AND OR NOT (")]
    [InlineData("*")]
    [InlineData("NEAR(x y")]
    [InlineData("col:value ^start")]
    [InlineData("x' OR 1=1 --")]
    [InlineData("!!& | :* <->")]
    [InlineData("emoji 🎉 ünïcödé")]
    public async Task Any_text_is_a_valid_query(string text)
    {
        var alice = await app.UserAsync("alice");
        var response = await alice.GetAsync($"/api/search/messages?q={Uri.EscapeDataString(text)}");
        Assert.True(response.Code is 200 or 400, $"{response.Code}: {response.Root}");
    }

    [Fact]
    public async Task Bad_parameters_are_400s()
    {
        var alice = await app.UserAsync("alice");
        foreach (var query in new[] { "", "q=", "q=%20%22*%22", "q=x&sort=oldest", "q=x&before=yesterday", "q=x&type=system", "q=x&hasFile=maybe",
                     "q=x&limit=0", "q=x&cursor=nonsense", "q=x&sort=relevance&cursor=n.5", "q=" + new string('a', 201) })
            (await alice.GetAsync($"/api/search/messages?{query}")).ExpectError(400);
        Assert.Equal(401, (int)(await app.Http().GetAsync("/api/search/messages?q=x")).StatusCode);
    }
}
