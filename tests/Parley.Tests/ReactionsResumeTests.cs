using Parley.Tests.Support;

namespace Parley.Tests;

/// <summary>Reaction, pin and mark-unread events are stored: a socket that was away catches up with resume, and /api/sync gives the same.</summary>
public sealed class ReactionsResumeTests(ParleyApp app) : IClassFixture<ParleyApp>
{
    [Fact]
    public async Task Resume_and_sync_deliver_missed_reaction_pin_and_unread_events()
    {
        var (alice, bob) = (await app.UserAsync("alice"), await app.UserAsync("bob"));
        var id = await alice.DirectWithAsync(bob);
        var first = await alice.OnlineAsync();
        var message = await bob.SendAsync(id, "catch me up");
        var seen = (await first.EventAsync("message:new", id)).Cursor();
        first.Abort();
        await first.DisposeAsync();

        var path = $"/api/conversations/{id}/messages/{message.Str("id")}/reactions/{Uri.EscapeDataString("🎉")}";
        (await bob.PutAsync(path)).Expect(200);
        (await bob.PutAsync($"/api/conversations/{id}/pins/{message.Str("id")}")).Expect(200);
        (await bob.DeleteAsync(path)).Expect(200);
        (await bob.DeleteAsync($"/api/conversations/{id}/pins/{message.Str("id")}")).Expect(200);
        (await alice.PostAsync($"/api/conversations/{id}/unread", new { messageId = message.Str("id") })).Expect(200);
        string[] expected = ["reaction:added", "message:pinned", "reaction:removed", "message:unpinned", "conversation:unread"];

        await using var second = await alice.OnlineAsync();
        var (ack, replayed) = await second.ExchangeAsync("resume", new { since = seen });
        Assert.True(ack.GetProperty("ok").GetBoolean(), ack.ToString());
        Assert.Equal(expected, replayed.Types());
        Assert.Equal("🎉", replayed[0].Data().Str("emoji"));
        Assert.Equal(message.Str("id"), replayed[1].Data().Str("messageId"));

        var page = (await alice.GetAsync($"/api/sync?since={seen}&limit=100")).Expect(200);
        Assert.Equal(expected, page.GetProperty("events").EnumerateArray().Select(e => e.Str("type")));
    }
}
