using Parley.Server.Compat;

namespace Parley.Server.SocketIo;

/// <summary>A compatibility profile (seed-000, seed-001, seed-004) for Socket.IO sockets, shaped by Compat's EventShaper.</summary>
public sealed class CompatSocketProfile(CompatProfile profile) : ISocketProfile
{
    public string Name { get; } = profile.Name();

    public ShapedEvent? ShapeEvent(string type, ReadOnlyMemory<byte> data)
    {
        var shaped = EventShaper.Shape(profile, type, data);
        return new ShapedEvent(shaped.Name, shaped.Payload);
    }

    public ReadOnlyMemory<byte> ShapeAck(string request, ReadOnlyMemory<byte> ack) => EventShaper.Ack(profile, ack);

    /// <summary>Registers every profile but Parley's own, which <see cref="SocketProfiles"/> always has.</summary>
    public static IServiceCollection AddCompatSocketProfiles(IServiceCollection services)
    {
        foreach (var each in Enum.GetValues<CompatProfile>().Where(p => p != CompatProfile.Parley))
            services.AddSingleton<ISocketProfile>(new CompatSocketProfile(each));
        return services;
    }
}
