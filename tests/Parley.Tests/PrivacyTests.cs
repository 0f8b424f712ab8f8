using System.Text.Json;
using Parley.Tests.Support;

namespace Parley.Tests;

/// <summary>Privacy__EmailVisibility=members and Privacy__HideLastSeen=true.</summary>
public sealed class MembersPrivacyApp : ParleyApp
{
    protected override IEnumerable<KeyValuePair<string, string>> Settings =>
        [new("Privacy:EmailVisibility", "members"), new("Privacy:HideLastSeen", "true"), new("Presence:OfflineGrace", "00:00:00.100")];
}

public sealed class EveryonePrivacyApp : ParleyApp
{
    protected override IEnumerable<KeyValuePair<string, string>> Settings => [new("Privacy:EmailVisibility", "everyone")];
}

/// <summary>By default a user's email is theirs alone; presence and last seen are for people who share a conversation.</summary>
public sealed class PrivacyTests(ParleyApp app) : IClassFixture<ParleyApp>
{
    public static async Task<(TestUser Alice, TestUser Bob, TestUser Carol, string Group)> PeopleAsync(ParleyApp app)
    {
        var (alice, bob, carol) = (await app.UserAsync("alice"), await app.UserAsync("bob"), await app.UserAsync("carol"));
        var group = await alice.GroupAsync("group", bob);
        await alice.SendAsync(group, "hello");
        return (alice, bob, carol, group);
    }

    /// <summary>Alice's email as <paramref name="viewer"/> sees it on every route that shows her (null when hidden; the field is always there).</summary>
    public static async Task<List<string?>> EmailsOfAsync(TestUser alice, TestUser viewer, string? group)
    {
        static string? Email(JsonElement user) => user.GetProperty("email").ValueKind == JsonValueKind.Null ? null : user.Str("email");
        var seen = new List<string?>
        {
            Email((await viewer.GetAsync($"/api/users/{alice.Id}")).Expect(200)),
            Email((await viewer.GetAsync($"/api/users?search={alice.Username}")).Expect(200).EnumerateArray().Single()),
        };
        if (group is null) return seen;
        seen.Add(Email((await viewer.GetAsync($"/api/conversations/{group}")).Expect(200).GetProperty("members").EnumerateArray().Single(m => m.Str("userId") == alice.Id)));
        var message = (await viewer.HistoryAsync(group)).Single(m => m.Str("senderId") == alice.Id && m.Str("type") == "text");
        Assert.Equal(JsonValueKind.Null, message.GetProperty("sender").GetProperty("email").ValueKind); // messages never carry it
        return seen;
    }

    [Fact]
    public async Task Email_is_visible_to_its_owner_alone_by_default()
    {
        var (alice, bob, carol, group) = await PeopleAsync(app);
        Assert.All(await EmailsOfAsync(alice, alice, group), e => Assert.Equal($"{alice.Username}@example.com", e));
        Assert.All(await EmailsOfAsync(alice, bob, group), Assert.Null);
        Assert.All(await EmailsOfAsync(alice, carol, null), Assert.Null);
    }

    [Fact]
    public async Task Presence_and_last_seen_are_for_people_who_share_a_conversation()
    {
        var (alice, bob, carol, _) = await PeopleAsync(app);
        await using (var watch = await WsClient.ConnectAsync(bob))
        {
            await watch.NextAsync("ready");
            await using (var socket = await WsClient.ConnectAsync(alice))
            {
                await watch.EventAsync("presence", alice.Id, "userId");
                Assert.Equal("online", (await bob.GetAsync($"/api/status/{alice.Id}")).Expect(200).Str("status"));
                Assert.Equal("online", (await bob.GetAsync($"/api/users/{alice.Id}")).Expect(200).Str("status"));
                var stranger = (await carol.GetAsync($"/api/status/{alice.Id}")).Expect(200);
                Assert.Equal(("offline", false), (stranger.Str("status"), stranger.GetProperty("online").GetBoolean()));
                Assert.Equal(JsonValueKind.Null, stranger.GetProperty("lastSeenAt").ValueKind);
                Assert.Equal("offline", (await carol.GetAsync($"/api/users/{alice.Id}")).Expect(200).Str("status"));
            }
            var offline = await watch.NextAsync(f => f.Str("type") == "presence" && f.GetProperty("data").Str("status") == "offline");
            Assert.NotEqual(JsonValueKind.Null, offline.GetProperty("data").GetProperty("lastSeenAt").ValueKind);
        }
        Assert.NotEqual(JsonValueKind.Null, (await bob.GetAsync($"/api/users/{alice.Id}")).Expect(200).GetProperty("lastSeenAt").ValueKind);
        Assert.Equal(JsonValueKind.Null, (await carol.GetAsync($"/api/users/{alice.Id}")).Expect(200).GetProperty("lastSeenAt").ValueKind);
    }
}

public sealed class MembersPrivacyTests(MembersPrivacyApp app) : IClassFixture<MembersPrivacyApp>
{
    [Fact]
    public async Task Members_see_each_others_email_and_nobody_sees_last_seen()
    {
        var (alice, bob, carol, group) = await PrivacyTests.PeopleAsync(app);
        Assert.All(await PrivacyTests.EmailsOfAsync(alice, bob, group), e => Assert.Equal($"{alice.Username}@example.com", e));
        Assert.All(await PrivacyTests.EmailsOfAsync(alice, carol, null), Assert.Null);
        await using (var watch = await WsClient.ConnectAsync(bob))
        {
            await watch.NextAsync("ready");
            await using (var socket = await WsClient.ConnectAsync(alice)) await watch.EventAsync("presence", alice.Id, "userId");
            var offline = await watch.NextAsync(f => f.Str("type") == "presence" && f.GetProperty("data").Str("status") == "offline");
            Assert.Equal(JsonValueKind.Null, offline.GetProperty("data").GetProperty("lastSeenAt").ValueKind);
        }
        Assert.NotEqual(JsonValueKind.Null, (await alice.GetAsync("/api/users/me")).Expect(200).GetProperty("lastSeenAt").ValueKind);
        foreach (var path in new[] { $"/api/users/{alice.Id}", $"/api/status/{alice.Id}" })
            Assert.Equal(JsonValueKind.Null, (await bob.GetAsync(path)).Expect(200).GetProperty("lastSeenAt").ValueKind);
    }
}

public sealed class EveryonePrivacyTests(EveryonePrivacyApp app) : IClassFixture<EveryonePrivacyApp>
{
    [Fact]
    public async Task Everyone_sees_every_email()
    {
        var (alice, _, carol, _) = await PrivacyTests.PeopleAsync(app);
        Assert.All(await PrivacyTests.EmailsOfAsync(alice, carol, null), e => Assert.Equal($"{alice.Username}@example.com", e));
    }
}
