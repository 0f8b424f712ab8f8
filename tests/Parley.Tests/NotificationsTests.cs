using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Parley.Tests.Support;

namespace Parley.Tests;

public sealed partial class NotificationsTests(ParleyApp app) : IClassFixture<ParleyApp>
{
    [Fact]
    public async Task A_user_can_notify_themselves_with_or_without_naming_themselves()
    {
        var alice = await app.UserAsync("alice");

        var plain = (await alice.PostAsync("/api/notifications", new { message = "  Buy milk  " })).Expect(201);
        Assert.Equal(alice.Id, plain.Str("userId"));
        Assert.Equal(alice.Id, plain.Str("senderId"));
        Assert.Equal("Buy milk", plain.Str("message"));
        Assert.Equal("custom", plain.Str("type"));
        Assert.Equal(JsonValueKind.Null, plain.GetProperty("data").ValueKind);
        Assert.Equal(JsonValueKind.Null, plain.GetProperty("conversationId").ValueKind);
        Assert.Equal(JsonValueKind.Null, plain.GetProperty("readAt").ValueKind);
        Assert.False(plain.GetProperty("read").GetBoolean());
        Assert.Matches(IsoMilliseconds(), plain.Str("createdAt"));
        Assert.True(Guid.TryParse(plain.Str("id"), out _));

        var named = (await alice.PostAsync("/api/notifications",
            new { user_id = alice.Id, message = "Standup", type = "reminder", data = new { at = "09:30", tags = new[] { "daily" }, nested = new { n = 1 } } })).Expect(201);
        Assert.Equal(alice.Id, named.Str("userId"));
        Assert.Equal("reminder", named.Str("type"));
        Assert.Equal("09:30", named.GetProperty("data").Str("at"));
        Assert.Equal("daily", named.GetProperty("data").GetProperty("tags")[0].GetString());
        Assert.Equal(1, named.GetProperty("data").GetProperty("nested").GetProperty("n").GetInt32());

        var list = (await alice.GetAsync("/api/notifications")).Expect(200);
        Assert.Equal(new[] { named.Str("id"), plain.Str("id") }, list.GetProperty("notifications").Ids());
        Assert.Equal(2, list.GetProperty("unreadCount").GetInt64());
    }

    [Fact]
    public async Task A_user_can_notify_someone_they_share_a_conversation_with_and_only_the_recipient_sees_it()
    {
        var (alice, bob) = (await app.UserAsync("alice"), await app.UserAsync("bob"));
        await Direct(alice, bob);
        var before = await UnreadCount(bob);

        var sent = (await alice.PostAsync("/api/notifications", new { userId = bob.Id, content = "Lunch?", data = new { place = "cafe" } })).Expect(201);
        Assert.Equal(bob.Id, sent.Str("userId"));
        Assert.Equal(alice.Id, sent.Str("senderId"));
        Assert.Equal("Lunch?", sent.Str("message"));

        var bobs = (await bob.GetAsync("/api/notifications")).Expect(200);
        var first = bobs.GetProperty("notifications")[0];
        Assert.Equal(sent.Str("id"), first.Str("id"));
        Assert.Equal("cafe", first.GetProperty("data").Str("place"));
        Assert.Equal(before + 1, bobs.GetProperty("unreadCount").GetInt64());
        Assert.DoesNotContain(sent.Str("id"), (await alice.GetAsync("/api/notifications")).Expect(200).GetProperty("notifications").Ids());
    }

    [Fact]
    public async Task Strangers_unknown_and_former_co_members_are_all_simply_not_found()
    {
        var (alice, stranger, bob) = (await app.UserAsync("alice"), await app.UserAsync("stranger"), await app.UserAsync("bob"));

        var toStranger = await alice.PostAsync("/api/notifications", new { userId = stranger.Id, message = "hi" });
        toStranger.ExpectError(404, "not_found");
        Assert.Equal("User not found", toStranger.Root.Str("message"));
        var toNobody = await alice.PostAsync("/api/notifications", new { userId = Guid.CreateVersion7().ToString(), message = "hi" });
        toNobody.ExpectError(404, "not_found");
        Assert.Equal(toStranger.Root.GetProperty("error").ToString(), toNobody.Root.GetProperty("error").ToString());
        Assert.Equal(0, await UnreadCount(stranger));

        // Sharing a group ends when they leave it.
        var group = (await alice.PostAsync("/api/conversations", new { type = "group", name = "Team", participantIds = new[] { bob.Id } })).Expect(201);
        (await alice.PostAsync("/api/notifications", new { userId = bob.Id, message = "while in" })).Expect(201);
        (await bob.DeleteAsync($"/api/conversations/{group.Str("id")}/leave")).Expect(200);
        (await alice.PostAsync("/api/notifications", new { userId = bob.Id, message = "after leaving" })).ExpectError(404, "not_found");
    }

    [Fact]
    public async Task Bad_input_is_a_400_naming_the_field()
    {
        var alice = await app.UserAsync("alice");
        async Task Rejects(object body, string field)
        {
            var r = await alice.PostAsync("/api/notifications", body);
            r.ExpectError(400, "validation_failed");
            Assert.True(r.Error.GetProperty("details").TryGetProperty(field, out _), $"details should name {field}: {r.Root}");
        }

        await Rejects(new { }, "message");
        await Rejects(new { message = "   " }, "message");
        await Rejects(new { message = new string('x', 1001) }, "message");
        await Rejects(new { message = 42 }, "message");
        await Rejects(new { message = "hi", data = new[] { 1, 2 } }, "data");
        await Rejects(new { message = "hi", data = "text" }, "data");
        await Rejects(new { message = "hi", data = new { blob = new string('x', 4100) } }, "data");
        await Rejects(new { message = "hi", data = new { text = new string('é', 2100) } }, "data");
        await Rejects(new { message = "hi", userId = "" }, "userId");
        await Rejects(new { message = "hi", type = "conversation.added" }, "type");
        await Rejects(new { message = "hi", type = "has spaces" }, "type");

        var malformed = await ApiResponse.ReadAsync(await alice.Http.PostAsync("/api/notifications",
            new StringContent("{\"message\": ", Encoding.UTF8, "application/json")));
        malformed.ExpectError(400);

        // The edges that are allowed.
        (await alice.PostAsync("/api/notifications", new { message = new string('x', 1000), data = new { blob = new string('x', 4000) } })).Expect(201);
        (await alice.PostAsync("/api/notifications", new { message = "hi", data = (object?)null })).Expect(201);
        // The limit is on UTF-8 bytes, not on how a serialiser chose to escape them.
        var accents = (await alice.PostAsync("/api/notifications", new { message = "é", data = new { text = new string('é', 1500) } })).Expect(201);
        Assert.Equal(new string('é', 1500), accents.GetProperty("data").Str("text"));
        Assert.Equal(3, await UnreadCount(alice));
    }

    [Fact]
    public async Task The_list_is_mine_newest_first_with_paging_and_an_unread_filter()
    {
        var alice = await app.UserAsync("alice");
        var ids = new List<string>();
        for (var i = 1; i <= 5; i++)
            ids.Add((await alice.PostAsync("/api/notifications", new { message = $"n{i}" })).Expect(201).Str("id"));
        ids.Reverse();

        var page1 = (await alice.GetAsync("/api/notifications?page=1&limit=2")).Expect(200);
        Assert.Equal(ids[..2], page1.GetProperty("notifications").Ids());
        var pagination = page1.GetProperty("pagination");
        Assert.Equal(1, pagination.GetProperty("currentPage").GetInt32());
        Assert.Equal(3, pagination.GetProperty("totalPages").GetInt32());
        Assert.Equal(5, pagination.GetProperty("totalItems").GetInt64());
        Assert.True(pagination.GetProperty("hasNextPage").GetBoolean());
        Assert.False(pagination.GetProperty("hasPrevPage").GetBoolean());
        Assert.Equal(ids[2..4], (await alice.GetAsync("/api/notifications?page=2&limit=2")).Expect(200).GetProperty("notifications").Ids());
        var page3 = (await alice.GetAsync("/api/notifications?page=3&limit=2")).Expect(200);
        Assert.Equal(ids[4..], page3.GetProperty("notifications").Ids());
        Assert.False(page3.GetProperty("pagination").GetProperty("hasNextPage").GetBoolean());

        (await alice.PutAsync($"/api/notifications/{ids[0]}/read")).Expect(200);
        (await alice.PutAsync($"/api/notifications/{ids[3]}/read")).Expect(200);
        var unread = (await alice.GetAsync("/api/notifications?unreadOnly=true")).Expect(200);
        Assert.Equal(new[] { ids[1], ids[2], ids[4] }, unread.GetProperty("notifications").Ids());
        Assert.Equal(3, unread.GetProperty("unreadCount").GetInt64());
        Assert.Equal(3, unread.GetProperty("pagination").GetProperty("totalItems").GetInt64());
        var all = (await alice.GetAsync("/api/notifications?unreadOnly=false")).Expect(200);
        Assert.Equal(ids, all.GetProperty("notifications").Ids());
        Assert.Equal(3, all.GetProperty("unreadCount").GetInt64());

        (await alice.GetAsync("/api/notifications?unreadOnly=maybe")).ExpectError(400, "validation_failed");
        (await alice.GetAsync("/api/notifications?page=0")).ExpectError(400);
        (await alice.GetAsync("/api/notifications?limit=abc")).ExpectError(400);
    }

    [Fact]
    public async Task Marking_one_read_sets_readAt_once_and_is_only_for_the_owner()
    {
        var (alice, bob) = (await app.UserAsync("alice"), await app.UserAsync("bob"));
        var id = (await alice.PostAsync("/api/notifications", new { message = "mine" })).Expect(201).Str("id");

        var stolen = await bob.PutAsync($"/api/notifications/{id}/read");
        stolen.ExpectError(404, "not_found");
        Assert.Equal("Notification not found", stolen.Root.Str("message"));
        Assert.Equal(1, await UnreadCount(alice));
        (await alice.PutAsync($"/api/notifications/{Guid.CreateVersion7()}/read")).ExpectError(404, "not_found");

        var read = (await alice.PutAsync($"/api/notifications/{id}/read")).Expect(200);
        Assert.Equal(id, read.Str("id"));
        Assert.True(read.GetProperty("read").GetBoolean());
        Assert.Matches(IsoMilliseconds(), read.Str("readAt"));
        var again = (await alice.PutAsync($"/api/notifications/{id}/read")).Expect(200);
        Assert.Equal(read.Str("readAt"), again.Str("readAt"));
        Assert.Equal(0, await UnreadCount(alice));
        Assert.Equal(read.Str("readAt"), (await alice.GetAsync("/api/notifications")).Expect(200).GetProperty("notifications")[0].Str("readAt"));
    }

    [Fact]
    public async Task Read_all_marks_only_my_unread_ones_and_counts_them()
    {
        var (alice, bob) = (await app.UserAsync("alice"), await app.UserAsync("bob"));
        await Direct(alice, bob);
        for (var i = 0; i < 3; i++) (await alice.PostAsync("/api/notifications", new { message = $"a{i}" })).Expect(201);
        var first = (await alice.GetAsync("/api/notifications")).Expect(200).GetProperty("notifications")[2].Str("id");
        (await alice.PutAsync($"/api/notifications/{first}/read")).Expect(200);
        (await alice.PostAsync("/api/notifications", new { userId = bob.Id, message = "for bob" })).Expect(201);
        var bobUnread = await UnreadCount(bob);

        Assert.Equal(2, (await alice.PutAsync("/api/notifications/read-all")).Expect(200).GetProperty("modifiedCount").GetInt32());
        Assert.Equal(0, (await alice.PutAsync("/api/notifications/read-all")).Expect(200).GetProperty("modifiedCount").GetInt32());
        var mine = (await alice.GetAsync("/api/notifications")).Expect(200);
        Assert.Equal(0, mine.GetProperty("unreadCount").GetInt64());
        Assert.All(mine.GetProperty("notifications").EnumerateArray(), n => Assert.True(n.GetProperty("read").GetBoolean()));
        Assert.Equal(bobUnread, await UnreadCount(bob));
        Assert.True(bobUnread > 0);
    }

    [Fact]
    public async Task Being_added_to_a_group_or_getting_a_new_role_notifies_the_member_but_not_the_actor()
    {
        var (alice, bob, carol) = (await app.UserAsync("alice"), await app.UserAsync("bob"), await app.UserAsync("carol"));
        var group = (await alice.PostAsync("/api/conversations", new { type = "group", name = "Launch", participantIds = new[] { bob.Id } })).Expect(201);
        var groupId = group.Str("id");

        var added = Single(await Mine(bob), "conversation.added");
        Assert.Equal(groupId, added.Str("conversationId"));
        Assert.Contains("Launch", added.Str("message"));
        Assert.Equal(alice.Id, added.GetProperty("data").Str("addedBy"));
        Assert.Equal(JsonValueKind.Null, added.GetProperty("senderId").ValueKind);

        (await alice.PostAsync($"/api/conversations/{groupId}/members", new { user_id = carol.Id })).Expect(200);
        Assert.Equal(groupId, Single(await Mine(carol), "conversation.added").Str("conversationId"));

        (await alice.PutAsync($"/api/conversations/{groupId}/members/{bob.Id}/role", new { role = "ADMIN" })).Expect(200);
        var role = Single(await Mine(bob), "conversation.role");
        Assert.Equal(groupId, role.Str("conversationId"));
        Assert.Equal("ADMIN", role.GetProperty("data").Str("role"));
        Assert.Contains("ADMIN", role.Str("message"));

        Assert.Empty((await Mine(alice)).EnumerateArray());
        Assert.Equal(2, await UnreadCount(bob));
    }

    [Fact]
    public async Task Every_answer_needs_a_token_and_is_in_the_envelope()
    {
        var anonymous = app.Http();
        foreach (var (method, path) in new[] { ("GET", "/api/notifications"), ("POST", "/api/notifications"), ("PUT", "/api/notifications/read-all"),
                     ("PUT", $"/api/notifications/{Guid.CreateVersion7()}/read") })
        {
            using var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = new StringContent("{}", Encoding.UTF8, "application/json") };
            (await ApiResponse.ReadAsync(await anonymous.SendAsync(request))).ExpectError(401, "unauthorized");
        }

        var alice = await app.UserAsync("alice");
        var ok = await alice.GetAsync("/api/notifications");
        Assert.Equal("Notifications retrieved successfully", ok.Root.Str("message"));
        Assert.True(ok.Root.GetProperty("success").GetBoolean());
        (await alice.DeleteAsync("/api/notifications")).ExpectError(405);
    }

    private static async Task Direct(TestUser a, TestUser b) =>
        (await a.PostAsync("/api/conversations", new { type = "direct", participantId = b.Id })).Expect(201);

    private static async Task<JsonElement> Mine(TestUser user) =>
        (await user.GetAsync("/api/notifications")).Expect(200).GetProperty("notifications");

    private static async Task<long> UnreadCount(TestUser user) =>
        (await user.GetAsync("/api/notifications")).Expect(200).GetProperty("unreadCount").GetInt64();

    private static JsonElement Single(JsonElement notifications, string type) =>
        Assert.Single(notifications.EnumerateArray(), n => n.Str("type") == type);

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$")]
    private static partial Regex IsoMilliseconds();
}

/// <summary>A server that allows two notifications per sender per hour.</summary>
public sealed class LowNotificationLimitApp : ParleyApp
{
    protected override IEnumerable<KeyValuePair<string, string>> Settings =>
        [new("Notifications:SendLimit", "2"), new("Notifications:SendWindow", "01:00:00")];
}

public sealed class NotificationRateLimitTests(LowNotificationLimitApp app) : IClassFixture<LowNotificationLimitApp>
{
    [Fact]
    public async Task Sending_past_the_limit_is_a_429_in_the_envelope_with_Retry_After_and_counts_per_sender()
    {
        var (alice, bob) = (await app.UserAsync("alice"), await app.UserAsync("bob"));
        (await alice.PostAsync("/api/notifications", new { message = "one" })).Expect(201);
        (await alice.PostAsync("/api/notifications", new { message = "two" })).Expect(201);

        var limited = await alice.PostAsync("/api/notifications", new { message = "three" });
        limited.ExpectError(429, "rate_limited");
        var retryAfter = limited.Raw.Headers.RetryAfter?.Delta;
        Assert.NotNull(retryAfter);
        Assert.InRange(retryAfter.Value.TotalSeconds, 1, 3600);
        Assert.Equal((int)retryAfter.Value.TotalSeconds, limited.Error.GetProperty("details").GetProperty("retryAfterSeconds").GetInt32());
        Assert.Equal(2, (await alice.GetAsync("/api/notifications")).Expect(200).GetProperty("pagination").GetProperty("totalItems").GetInt64());

        // The limit is the sender's own: others still send, and reading is not limited.
        (await bob.PostAsync("/api/notifications", new { message = "bob's first" })).Expect(201);
        (await alice.GetAsync("/api/notifications")).Expect(200);
        (await alice.PutAsync("/api/notifications/read-all")).Expect(200);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await alice.PostAsync("/api/notifications", new { message = "four" })).Status);
    }
}
