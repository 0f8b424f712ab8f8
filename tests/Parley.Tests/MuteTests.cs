using Parley.Tests.Support;

namespace Parley.Tests;

/// <summary>Muting a conversation: no notifications from it (mentions included) until unmuted or expired; unread still counts.</summary>
public sealed class MuteTests(ParleyApp app) : IClassFixture<ParleyApp>
{
    private static async Task<int> MentionsAsync(TestUser user, string conversationId) =>
        (await user.GetAsync("/api/notifications")).Expect(200).GetProperty("notifications").EnumerateArray()
            .Count(n => n.Str("type") == "message.mention" && n.Str("conversationId") == conversationId);

    [Fact]
    public async Task A_muted_conversation_notifies_nothing_but_still_counts_unread_and_shows_muted()
    {
        var (ann, bob) = (await app.UserAsync("ann"), await app.UserAsync("bob"));
        var group = await bob.GroupAsync("group", ann);
        await using var annSocket = await ann.OnlineAsync();

        var muted = (await ann.PutAsync($"/api/conversations/{group}/mute", new { })).Expect(200);
        Assert.True(muted.GetProperty("muted").GetBoolean());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, muted.GetProperty("mutedUntil").ValueKind);
        Assert.True((await annSocket.NextAsync("conversation:muted")).Data().GetProperty("muted").GetBoolean());
        var listed = (await ann.GetAsync("/api/conversations")).Expect(200).EnumerateArray().Single(c => c.Str("id") == group);
        Assert.True(listed.GetProperty("muted").GetBoolean());
        Assert.False((await bob.GetAsync($"/api/conversations/{group}")).Expect(200).GetProperty("muted").GetBoolean());

        await bob.SendAsync(group, $"hey @{ann.Username}");
        Assert.Equal(0, await MentionsAsync(ann, group));
        Assert.Equal(1, await ann.UnreadAsync(group));
        Assert.Equal(1, (await ann.GetAsync($"/api/conversations/{group}")).Expect(200).GetProperty("unreadCount").GetInt64());

        // Muted for a while, then the time passes: not muted any more.
        var until = DateTimeOffset.UtcNow.AddHours(8);
        var timed = (await ann.PutAsync($"/api/conversations/{group}/mute", new { until })).Expect(200);
        Assert.Equal(until.ToUnixTimeMilliseconds(), timed.GetProperty("mutedUntil").GetDateTimeOffset().ToUnixTimeMilliseconds());
        var details = (await ann.GetAsync($"/api/conversations/{group}")).Expect(200);
        Assert.True(details.GetProperty("muted").GetBoolean());
        Assert.NotEqual(System.Text.Json.JsonValueKind.Null, details.GetProperty("mutedUntil").ValueKind);
        await using (var connection = await app.Db.OpenAsync())
            await Dapper.SqlMapper.ExecuteAsync(connection, "UPDATE members SET muted_until = @past WHERE conversation_id = @group AND user_id = @id",
                new { past = DateTimeOffset.UtcNow.AddMinutes(-1).ToUnixTimeMilliseconds(), group, id = ann.Id });
        Assert.False((await ann.GetAsync($"/api/conversations/{group}")).Expect(200).GetProperty("muted").GetBoolean());
        await bob.SendAsync(group, $"again @{ann.Username}");
        Assert.Equal(1, await MentionsAsync(ann, group));

        (await ann.PutAsync($"/api/conversations/{group}/mute", new { })).Expect(200);
        var unmuted = (await ann.DeleteAsync($"/api/conversations/{group}/mute")).Expect(200);
        Assert.False(unmuted.GetProperty("muted").GetBoolean());
        await bob.SendAsync(group, $"third @{ann.Username}");
        Assert.Equal(2, await MentionsAsync(ann, group));
        Assert.Equal(3, await ann.UnreadAsync(group));
    }

    [Fact]
    public async Task Bad_mutes_are_4xx()
    {
        var (ann, bob, eve) = (await app.UserAsync("ann"), await app.UserAsync("bob"), await app.UserAsync("eve"));
        var group = await bob.GroupAsync("group", ann);
        (await ann.PutAsync($"/api/conversations/{group}/mute", new { until = DateTimeOffset.UtcNow.AddMinutes(-5) })).ExpectError(400);
        (await ann.PutAsync($"/api/conversations/{group}/mute", new { until = "soon" })).ExpectError(400);
        (await ann.PutAsync($"/api/conversations/{group}/mute", new { until = 12 })).ExpectError(400);
        (await eve.PutAsync($"/api/conversations/{group}/mute", new { })).ExpectError(404);
        (await eve.DeleteAsync($"/api/conversations/{group}/mute")).ExpectError(404);
        (await ann.PutAsync($"/api/conversations/{Guid.NewGuid()}/mute", new { })).ExpectError(404);
    }
}
