using System.Text;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Parley.Server.SocketIo;
using Parley.Tests.Support;

namespace Parley.Tests;

/// <summary>A profile for this test only: message:new renamed to new_message, and counted.</summary>
public sealed class RenamingProfile : ISocketProfile
{
    private int _shaped;
    public int Shaped => _shaped;
    public string Name => "test-rename";

    public ShapedEvent? ShapeEvent(string type, ReadOnlyMemory<byte> data)
    {
        if (type != "message:new") return new ShapedEvent(type, data);
        Interlocked.Increment(ref _shaped);
        return new ShapedEvent("new_message", data);
    }

    public ReadOnlyMemory<byte> ShapeAck(string request, ReadOnlyMemory<byte> ack) =>
        Encoding.UTF8.GetBytes("{\"request\":\"" + request + "\",\"ack\":" + Encoding.UTF8.GetString(ack.Span) + "}");
}

public sealed class ProfileHookApp : ParleyApp
{
    public RenamingProfile Profile { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureServices(services => services.AddSingleton<ISocketProfile>(Profile));
    }
}

/// <summary>The hook a compatibility profile plugs into: chosen per socket with ?profile=, applied once per event per profile.</summary>
public sealed class SocketIoProfileTests(ProfileHookApp app) : IClassFixture<ProfileHookApp>
{
    [Fact]
    public async Task A_socket_profile_renames_events_once_per_fan_out_and_shapes_acks_while_the_default_stays_native()
    {
        var (alice, bob, carol) = (await app.UserAsync("alice"), await app.UserAsync("bob"), await app.UserAsync("carol"));
        var id = await alice.GroupAsync("group", bob, carol);
        object Options(TestUser user, string? profile) => new { auth = new { token = user.Token }, transports = new[] { "websocket" }, query = profile is null ? null : new { profile } };
        await using var bobSocket = await SocketIoClient.ConnectAsync(app.BaseAddress, Options(bob, "test-rename"));
        await using var carolSocket = await SocketIoClient.ConnectAsync(app.BaseAddress, Options(carol, "test-rename"));
        await using var aliceSocket = await SocketIoClient.ConnectAsync(app.BaseAddress, Options(alice, null));
        foreach (var socket in new[] { bobSocket, carolSocket, aliceSocket }) await socket.EventAsync("ready");

        var before = app.Profile.Shaped;
        var sent = await alice.SendAsync(id, "shaped once");
        foreach (var socket in new[] { bobSocket, carolSocket })
            await socket.EventAsync("new_message", a => a[0].GetProperty("message").Str("id") == sent.Str("id"));
        await aliceSocket.EventAsync("message:new", a => a[0].GetProperty("message").Str("id") == sent.Str("id"));
        Assert.Equal(1, app.Profile.Shaped - before);

        var ack = await bobSocket.EmitAsync("ping");
        Assert.Equal("ping", ack.Str("request"));
        Assert.True(ack.GetProperty("ack").GetProperty("ok").GetBoolean());
    }
}
