using Parley.Tests.Support;

namespace Parley.Tests;

/// <summary>The compatibility profiles on Socket.IO: a socket that asks for seed-000 hears seed 000's event names and fields.</summary>
public sealed class SocketIoSeedProfileTests(ParleyApp app) : IClassFixture<ParleyApp>
{
    [Fact]
    public async Task A_seed_000_socket_hears_new_message_with_conversation_id_while_a_default_socket_hears_message_new()
    {
        var (alice, bob) = (await app.UserAsync("alice"), await app.UserAsync("bob"));
        var id = await alice.GroupAsync("group", bob);
        await using var seedSocket = await SocketIoClient.ConnectAsync(app.BaseAddress,
            new { auth = new { token = bob.Token }, transports = new[] { "websocket" }, query = new { profile = "seed-000" } });
        await using var nativeSocket = await SocketIoClient.ConnectAsync(app.BaseAddress,
            new { auth = new { token = alice.Token }, transports = new[] { "websocket" } });
        await seedSocket.EventAsync("ready");
        await nativeSocket.EventAsync("ready");

        var sent = await alice.SendAsync(id, "shaped for seed 000");
        var shaped = await seedSocket.EventAsync("new_message", a => a[0].TryGetProperty("conversation_id", out _));
        Assert.Equal(id, shaped[0].Str("conversation_id"));
        Assert.False(shaped[0].TryGetProperty("conversationId", out _));
        var native = await nativeSocket.EventAsync("message:new", a => a[0].GetProperty("message").Str("id") == sent.Str("id"));
        Assert.Equal(id, native[0].Str("conversationId"));
    }
}
