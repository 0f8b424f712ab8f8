using Parley.Tests.Support;

namespace Parley.Tests;

/// <summary>Pins: who may pin where, the list newest first, live events, and a deleted message's pin gone with it.</summary>
public sealed class PinsTests(ParleyApp app) : IClassFixture<ParleyApp>
{
    [Fact]
    public async Task Either_side_of_a_direct_conversation_pins_and_the_list_is_newest_first()
    {
        var (alice, bob) = (await app.UserAsync("alice"), await app.UserAsync("bob"));
        var id = await alice.DirectWithAsync(bob);
        var first = await alice.SendAsync(id, "first");
        var second = await bob.SendAsync(id, "second");
        await using var aliceSocket = await alice.OnlineAsync();

        var pinned = (await bob.PutAsync($"/api/conversations/{id}/pins/{first.Str("id")}")).Expect(200);
        Assert.True(pinned.GetProperty("changed").GetBoolean());
        var live = (await aliceSocket.EventAsync("message:pinned", id)).Data();
        Assert.Equal((first.Str("id"), bob.Id, "first"), (live.Str("messageId"), live.Str("pinnedBy"), live.GetProperty("message").Str("content")));
        Assert.False((await bob.PutAsync($"/api/conversations/{id}/pins/{first.Str("id")}")).Expect(200).GetProperty("changed").GetBoolean());
        (await alice.PutAsync($"/api/conversations/{id}/pins/{second.Str("id")}")).Expect(200);
        Assert.Equal(2, await app.EventCountAsync("message:pinned", id));

        var list = (await alice.GetAsync($"/api/conversations/{id}/pins")).Expect(200);
        Assert.Equal([second.Str("id"), first.Str("id")], list.Ids("messageId"));
        Assert.Equal([alice.Id, bob.Id], list.Ids("pinnedBy"));
        Assert.Equal(["second", "first"], list.EnumerateArray().Select(p => p.GetProperty("message").Str("content")));
        Assert.True(DateTimeOffset.Parse(list[0].Str("pinnedAt")) >= DateTimeOffset.Parse(list[1].Str("pinnedAt")));

        var unpinned = (await alice.DeleteAsync($"/api/conversations/{id}/pins/{first.Str("id")}")).Expect(200);
        Assert.True(unpinned.GetProperty("changed").GetBoolean());
        Assert.Equal(alice.Id, (await aliceSocket.EventAsync("message:unpinned", id)).Data().Str("unpinnedBy"));
        Assert.False((await alice.DeleteAsync($"/api/conversations/{id}/pins/{first.Str("id")}")).Expect(200).GetProperty("changed").GetBoolean());
        Assert.Equal([second.Str("id")], (await bob.GetAsync($"/api/conversations/{id}/pins")).Expect(200).Ids("messageId"));
    }

    [Theory]
    [InlineData("group")]
    [InlineData("channel")]
    public async Task In_groups_and_channels_only_the_owner_and_admins_pin(string type)
    {
        var (owner, admin, member) = (await app.UserAsync("owner"), await app.UserAsync("admin"), await app.UserAsync("member"));
        var id = await owner.GroupAsync(type, admin, member);
        (await owner.PutAsync($"/api/conversations/{id}/members/{admin.Id}/role", new { role = "ADMIN" })).Expect(200);
        var message = await owner.SendAsync(id, "rules");

        (await member.PutAsync($"/api/conversations/{id}/pins/{message.Str("id")}")).ExpectError(403, "forbidden");
        (await admin.PutAsync($"/api/conversations/{id}/pins/{message.Str("id")}")).Expect(200);
        (await member.DeleteAsync($"/api/conversations/{id}/pins/{message.Str("id")}")).ExpectError(403, "forbidden");
        Assert.Single((await member.GetAsync($"/api/conversations/{id}/pins")).Expect(200).EnumerateArray());
        (await owner.DeleteAsync($"/api/conversations/{id}/pins/{message.Str("id")}")).Expect(200);
        (await owner.PutAsync($"/api/conversations/{id}/pins/{message.Str("id")}")).Expect(200);
        Assert.Single((await member.GetAsync($"/api/conversations/{id}/pins")).Expect(200).EnumerateArray());
    }

    [Fact]
    public async Task Outsiders_get_404_on_every_pin_route()
    {
        var (alice, bob, mallory) = (await app.UserAsync("alice"), await app.UserAsync("bob"), await app.UserAsync("mallory"));
        var id = await alice.DirectWithAsync(bob);
        var message = await alice.SendAsync(id, "private");
        (await alice.PutAsync($"/api/conversations/{id}/pins/{message.Str("id")}")).Expect(200);
        (await mallory.GetAsync($"/api/conversations/{id}/pins")).ExpectError(404);
        (await mallory.PutAsync($"/api/conversations/{id}/pins/{message.Str("id")}")).ExpectError(404);
        (await mallory.DeleteAsync($"/api/conversations/{id}/pins/{message.Str("id")}")).ExpectError(404);
        var own = await mallory.DirectWithAsync(alice);
        (await mallory.PutAsync($"/api/conversations/{own}/pins/{message.Str("id")}")).ExpectError(404);
        (await alice.PutAsync($"/api/conversations/{id}/pins/{Guid.NewGuid()}")).ExpectError(404);
        Assert.Single((await bob.GetAsync($"/api/conversations/{id}/pins")).Expect(200).EnumerateArray());
    }

    [Fact]
    public async Task A_deleted_messages_pin_disappears_and_members_are_told()
    {
        var (alice, bob) = (await app.UserAsync("alice"), await app.UserAsync("bob"));
        var id = await alice.DirectWithAsync(bob);
        var message = await alice.SendAsync(id, "soon gone");
        (await bob.PutAsync($"/api/conversations/{id}/pins/{message.Str("id")}")).Expect(200);
        await using var bobSocket = await bob.OnlineAsync();
        (await alice.DeleteAsync($"/api/messages/{message.Str("id")}")).Expect(200);
        var unpinned = (await bobSocket.EventAsync("message:unpinned", id)).Data();
        Assert.Equal(message.Str("id"), unpinned.Str("messageId"));
        Assert.Empty((await bob.GetAsync($"/api/conversations/{id}/pins")).Expect(200).EnumerateArray());
        (await bob.PutAsync($"/api/conversations/{id}/pins/{message.Str("id")}")).ExpectError(409);
    }
}
