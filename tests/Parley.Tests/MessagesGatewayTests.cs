using Parley.Tests.Support;

namespace Parley.Tests;

/// <summary>The message requests over the WebSocket: same rules as REST, answered by acks, changes fanned out live.</summary>
public sealed class MessagesGatewayTests(ParleyApp app) : IClassFixture<ParleyApp>
{
    [Fact]
    public async Task Send_edit_read_and_delete_over_the_socket_reach_the_other_member_live()
    {
        var (alice, bob) = (await app.UserAsync("alice"), await app.UserAsync("bob"));
        var id = await alice.GroupAsync(bob);
        await using var aliceSocket = await alice.OnlineAsync();
        await using var bobSocket = await bob.OnlineAsync();

        var sent = await aliceSocket.RequestAsync("message:send", new { conversationId = id, content = "hello over ws", clientMessageId = "c-1" });
        Assert.True(sent.GetProperty("ok").GetBoolean(), sent.ToString());
        var message = sent.Data();
        Assert.Equal("hello over ws", message.Str("content"));
        Assert.Equal(alice.Id, message.Str("senderId"));
        var live = await bobSocket.EventAsync("message:new", id);
        Assert.Equal(message.Str("id"), live.Data().GetProperty("message").Str("id"));

        // A retry with the same clientMessageId answers with the original and fans nothing out again.
        var retry = await aliceSocket.RequestAsync("message:send", new { conversationId = id, content = "hello over ws", clientMessageId = "c-1" });
        Assert.Equal(message.Str("id"), retry.Data().Str("id"));
        Assert.DoesNotContain(await bobSocket.DrainAsync(), f => f.Type() == "message:new");

        var edited = await aliceSocket.RequestAsync("message:edit", new { messageId = message.Str("id"), newContent = "hello, edited" });
        Assert.True(edited.Data().GetProperty("edited").GetBoolean());
        Assert.Equal("hello, edited", (await bobSocket.EventAsync("message:updated", id)).Data().GetProperty("message").Str("content"));

        var read = await bobSocket.RequestAsync("message:read", new { conversationId = id, lastMessageId = message.Str("id") });
        Assert.True(read.GetProperty("ok").GetBoolean(), read.ToString());
        var readEvent = await aliceSocket.EventAsync("message:read", id);
        Assert.Equal(bob.Id, readEvent.Data().Str("userId"));
        Assert.Equal(message.GetProperty("seq").GetInt64(), readEvent.Data().GetProperty("lastReadSeq").GetInt64());

        var page = await bobSocket.RequestAsync("messages:get", new { conversationId = id, limit = 10 });
        Assert.Equal(["hello, edited"], page.Data().GetProperty("messages").EnumerateArray().Select(m => m.Str("content")));

        var deleted = await aliceSocket.RequestAsync("message:delete", new { messageId = message.Str("id") });
        Assert.True(deleted.GetProperty("ok").GetBoolean(), deleted.ToString());
        var gone = await bobSocket.EventAsync("message:deleted", id);
        Assert.Equal(message.Str("id"), gone.Data().Str("messageId"));
    }

    [Fact]
    public async Task Invalid_or_forbidden_requests_get_an_error_ack_and_the_socket_stays_open()
    {
        var (alice, bob, mallory) = (await app.UserAsync("alice"), await app.UserAsync("bob"), await app.UserAsync("mallory"));
        var id = await alice.GroupAsync(bob);
        await using var socket = await mallory.OnlineAsync();

        var outsider = await socket.RequestAsync("message:send", new { conversationId = id, content = "let me in" });
        Assert.False(outsider.GetProperty("ok").GetBoolean());
        Assert.Equal(404, outsider.GetProperty("error").GetProperty("status").GetInt32());

        await using var aliceSocket = await alice.OnlineAsync();
        var empty = await aliceSocket.RequestAsync("message:send", new { conversationId = id, content = "" });
        Assert.Equal(400, empty.GetProperty("error").GetProperty("status").GetInt32());
        var wrongType = await aliceSocket.RequestAsync("message:send", new { conversationId = id, content = new[] { 1 } });
        Assert.Equal("validation_failed", wrongType.GetProperty("error").Str("code"));
        var badPage = await aliceSocket.RequestAsync("messages:get", new { conversationId = id, page = 0 });
        Assert.Equal(400, badPage.GetProperty("error").GetProperty("status").GetInt32());
        var asSomeoneElse = await aliceSocket.RequestAsync("message:send", new { conversationId = id, content = "hi", senderId = bob.Id });
        Assert.Equal(403, asSomeoneElse.GetProperty("error").GetProperty("status").GetInt32());

        var ok = await aliceSocket.RequestAsync("message:send", new { conversationId = id, content = "still here" });
        Assert.True(ok.GetProperty("ok").GetBoolean(), ok.ToString());
        Assert.Equal(1, (await alice.GetAsync($"/api/conversations/{id}/messages")).Expect(200).GetProperty("pagination").GetProperty("totalMessages").GetInt64());
    }
}
