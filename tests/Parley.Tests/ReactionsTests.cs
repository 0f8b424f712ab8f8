using System.Text.Json;
using Parley.Tests.Support;

namespace Parley.Tests;

/// <summary>Reactions over REST and the socket: one per user and emoji, counted on the message, fanned out live, gone with the message.</summary>
public sealed class ReactionsTests(ParleyApp app) : IClassFixture<ParleyApp>
{
    private static string Path(string conversationId, string messageId, string emoji) =>
        $"/api/conversations/{conversationId}/messages/{messageId}/reactions/{Uri.EscapeDataString(emoji)}";

    private static JsonElement Reaction(JsonElement message, string emoji) =>
        message.GetProperty("reactions").EnumerateArray().Single(r => r.Str("emoji") == emoji);

    [Fact]
    public async Task Adding_twice_counts_once_removing_takes_mine_off_and_history_shows_counts_me_and_users()
    {
        var (alice, bob, carol) = (await app.UserAsync("alice"), await app.UserAsync("bob"), await app.UserAsync("carol"));
        var id = await alice.GroupAsync("group", bob, carol);
        var hello = await alice.SendAsync(id, "hello");
        Assert.Empty(hello.GetProperty("reactions").EnumerateArray());
        await using var aliceSocket = await alice.OnlineAsync();

        var added = (await bob.PutAsync(Path(id, hello.Str("id"), "👍"))).Expect(200);
        Assert.True(added.GetProperty("changed").GetBoolean());
        Assert.Equal(1, added.GetProperty("count").GetInt64());
        var live = (await aliceSocket.EventAsync("reaction:added", id)).Data();
        Assert.Equal((hello.Str("id"), "👍", bob.Id, 1L), (live.Str("messageId"), live.Str("emoji"), live.Str("userId"), live.GetProperty("count").GetInt64()));

        var again = (await bob.PutAsync(Path(id, hello.Str("id"), "👍"))).Expect(200);
        Assert.False(again.GetProperty("changed").GetBoolean());
        Assert.Equal(1, again.GetProperty("count").GetInt64());
        (await carol.PutAsync(Path(id, hello.Str("id"), "👍"))).Expect(200);
        (await carol.PutAsync(Path(id, hello.Str("id"), ":tada:"))).Expect(200);
        Assert.Equal(3, await app.ScalarAsync("SELECT COUNT(*) FROM events WHERE type = 'reaction:added' AND conversation_id = @id", new { id }));

        var seenByBob = (await bob.HistoryAsync(id)).Single();
        Assert.Equal(["👍", ":tada:"], seenByBob.GetProperty("reactions").EnumerateArray().Select(r => r.Str("emoji")));
        var thumbs = Reaction(seenByBob, "👍");
        Assert.Equal(2, thumbs.GetProperty("count").GetInt64());
        Assert.True(thumbs.GetProperty("me").GetBoolean());
        Assert.Equal([bob.Id, carol.Id], thumbs.GetProperty("userIds").EnumerateArray().Select(u => u.GetString()));
        Assert.False(Reaction(seenByBob, ":tada:").GetProperty("me").GetBoolean());
        var single = (await alice.GetAsync($"/api/conversations/{id}/messages/{hello.Str("id")}")).Expect(200);
        Assert.False(Reaction(single, "👍").GetProperty("me").GetBoolean());

        var removed = (await bob.DeleteAsync(Path(id, hello.Str("id"), "👍"))).Expect(200);
        Assert.True(removed.GetProperty("changed").GetBoolean());
        Assert.Equal(1, removed.GetProperty("count").GetInt64());
        var gone = (await aliceSocket.EventAsync("reaction:removed", id)).Data();
        Assert.Equal((bob.Id, 1L), (gone.Str("userId"), gone.GetProperty("count").GetInt64()));
        Assert.False((await bob.DeleteAsync(Path(id, hello.Str("id"), "👍"))).Expect(200).GetProperty("changed").GetBoolean());
        Assert.Equal([carol.Id], Reaction((await bob.HistoryAsync(id)).Single(), "👍").GetProperty("userIds").EnumerateArray().Select(u => u.GetString()));

        // An edit keeps the reactions on the message and in the event.
        var edited = (await alice.PutAsync($"/api/conversations/{id}/messages/{hello.Str("id")}", new { newContent = "hello!" })).Expect(200);
        Assert.Equal(2, edited.GetProperty("reactions").GetArrayLength());
        var neutral = (await aliceSocket.EventAsync("message:updated", id)).Data().GetProperty("message").GetProperty("reactions");
        Assert.Equal(2, neutral.GetArrayLength());
        // An event goes to every member alike: it carries no "me" (rather than a "false" that is wrong for some of them).
        Assert.All(neutral.EnumerateArray(), r => Assert.False(r.TryGetProperty("me", out _)));
        Assert.True(Reaction(edited, "👍").TryGetProperty("me", out _));
    }

    [Theory]
    [InlineData("👍🏽")] // skin tone
    [InlineData("👨‍👩‍👧‍👦")] // ZWJ sequence
    [InlineData("🏳️‍🌈")]
    [InlineData("🇯🇵")] // flag
    [InlineData("1️⃣")] // keycap
    [InlineData("❤️")]
    [InlineData("©️")]
    [InlineData(":+1:")]
    [InlineData(":white_check_mark:")]
    [InlineData(":a-b_c+1:")]
    public async Task One_emoji_or_a_shortcode_is_accepted(string emoji)
    {
        var (alice, bob) = (await app.UserAsync("alice"), await app.UserAsync("bob"));
        var id = await alice.DirectWithAsync(bob);
        var message = await alice.SendAsync(id, "react to me");
        var added = (await bob.PutAsync(Path(id, message.Str("id"), emoji))).Expect(200);
        Assert.Equal(emoji, added.Str("emoji"));
        Assert.Equal(emoji, Reaction((await alice.HistoryAsync(id)).Single(), emoji).Str("emoji"));
    }

    [Theory]
    [InlineData("a")]
    [InlineData("ok")]
    [InlineData("👍👍")]
    [InlineData("👍 ")]
    [InlineData("1")]
    [InlineData("é")]
    [InlineData("::")]
    [InlineData(":thumbs up:")]
    [InlineData(":smile")]
    [InlineData(":sm!le:")]
    public async Task Anything_else_is_a_400(string emoji)
    {
        var (alice, bob) = (await app.UserAsync("alice"), await app.UserAsync("bob"));
        var id = await alice.DirectWithAsync(bob);
        var message = await alice.SendAsync(id, "react to me");
        (await bob.PutAsync(Path(id, message.Str("id"), emoji))).ExpectError(400, "validation_failed");
        (await bob.PutAsync(Path(id, message.Str("id"), ":" + new string('a', 63) + ":"))).ExpectError(400, "validation_failed");
        (await bob.PutAsync(Path(id, message.Str("id"), ":" + new string('a', 62) + ":"))).Expect(200);
    }

    [Fact]
    public async Task Outsiders_get_404_and_a_message_of_another_conversation_is_not_found()
    {
        var (alice, bob, mallory) = (await app.UserAsync("alice"), await app.UserAsync("bob"), await app.UserAsync("mallory"));
        var id = await alice.DirectWithAsync(bob);
        var message = await alice.SendAsync(id, "private");
        (await mallory.PutAsync(Path(id, message.Str("id"), "👍"))).ExpectError(404);
        (await mallory.DeleteAsync(Path(id, message.Str("id"), "👍"))).ExpectError(404);
        var own = await mallory.GroupAsync("group", alice);
        (await mallory.PutAsync(Path(own, message.Str("id"), "👍"))).ExpectError(404);
        (await alice.PutAsync(Path(id, Guid.NewGuid().ToString(), "👍"))).ExpectError(404);
        await using var socket = await mallory.OnlineAsync();
        var ack = await socket.RequestAsync("reaction:add", new { messageId = message.Str("id"), emoji = "👍" });
        Assert.Equal(404, ack.GetProperty("error").GetProperty("status").GetInt32());
        Assert.Equal(0, await app.ScalarAsync("SELECT COUNT(*) FROM reactions WHERE message_id = @id", new { id = message.Str("id") }));
    }

    [Fact]
    public async Task Members_of_a_channel_react_though_only_admins_post()
    {
        var (owner, member) = (await app.UserAsync("owner"), await app.UserAsync("member"));
        var id = await owner.GroupAsync("channel", member);
        var news = await owner.SendAsync(id, "Release 2.0 is out");
        (await member.PostAsync($"/api/conversations/{id}/messages", new { content = "yay" })).ExpectError(403);
        Assert.Equal(1, (await member.PutAsync(Path(id, news.Str("id"), "🚀"))).Expect(200).GetProperty("count").GetInt64());
        Assert.True(Reaction((await member.HistoryAsync(id)).Single(), "🚀").GetProperty("me").GetBoolean());
    }

    [Fact]
    public async Task A_message_takes_a_limited_number_of_distinct_reactions()
    {
        var (alice, bob) = (await app.UserAsync("alice"), await app.UserAsync("bob"));
        var id = await alice.DirectWithAsync(bob);
        var message = await alice.SendAsync(id, "so many");
        for (var i = 0; i < 50; i++) (await alice.PutAsync(Path(id, message.Str("id"), $":e{i}:"))).Expect(200);
        (await alice.PutAsync(Path(id, message.Str("id"), ":one_more:"))).ExpectError(409);
        // An emoji already there can still be added by someone else.
        Assert.Equal(2, (await bob.PutAsync(Path(id, message.Str("id"), ":e7:"))).Expect(200).GetProperty("count").GetInt64());
        Assert.Equal(50, (await bob.HistoryAsync(id)).Single().GetProperty("reactions").GetArrayLength());
    }

    [Fact]
    public async Task Reactions_go_with_a_deleted_message_and_a_deleted_message_takes_no_more()
    {
        var (alice, bob) = (await app.UserAsync("alice"), await app.UserAsync("bob"));
        var id = await alice.DirectWithAsync(bob);
        var message = await alice.SendAsync(id, "regrettable");
        (await bob.PutAsync(Path(id, message.Str("id"), "😂"))).Expect(200);
        (await alice.DeleteAsync($"/api/conversations/{id}/messages/{message.Str("id")}")).Expect(200);
        Assert.Empty((await bob.HistoryAsync(id)).Single().GetProperty("reactions").EnumerateArray());
        Assert.Equal(0, await app.ScalarAsync("SELECT COUNT(*) FROM reactions WHERE message_id = @id", new { id = message.Str("id") }));
        (await bob.PutAsync(Path(id, message.Str("id"), "😂"))).ExpectError(409);
    }

    [Fact]
    public async Task Reactions_over_the_socket_are_acked_and_reach_the_other_member()
    {
        var (alice, bob) = (await app.UserAsync("alice"), await app.UserAsync("bob"));
        var id = await alice.GroupAsync("group", bob);
        var message = await alice.SendAsync(id, "ws");
        await using var aliceSocket = await alice.OnlineAsync();
        await using var bobSocket = await bob.OnlineAsync();

        var ack = await bobSocket.RequestAsync("reaction:add", new { conversationId = id, messageId = message.Str("id"), emoji = "🔥" });
        Assert.True(ack.GetProperty("ok").GetBoolean(), ack.ToString());
        Assert.Equal(1, ack.Data().GetProperty("count").GetInt64());
        Assert.Equal("🔥", (await aliceSocket.EventAsync("reaction:added", id)).Data().Str("emoji"));

        var removed = await bobSocket.RequestAsync("reaction:remove", new { messageId = message.Str("id"), emoji = "🔥" });
        Assert.Equal(0, removed.Data().GetProperty("count").GetInt64());
        Assert.Equal(0, (await aliceSocket.EventAsync("reaction:removed", id)).Data().GetProperty("count").GetInt64());

        var bad = await bobSocket.RequestAsync("reaction:add", new { messageId = message.Str("id"), emoji = "nope" });
        Assert.Equal("validation_failed", bad.GetProperty("error").Str("code"));
        var missing = await bobSocket.RequestAsync("reaction:add", new { emoji = "🔥" });
        Assert.Equal(400, missing.GetProperty("error").GetProperty("status").GetInt32());
    }
}
