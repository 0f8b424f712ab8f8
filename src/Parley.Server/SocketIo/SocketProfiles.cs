namespace Parley.Server.SocketIo;

/// <summary>A server event as a socket profile sends it: its name and its payload's JSON.</summary>
public readonly record struct ShapedEvent(string Name, ReadOnlyMemory<byte> Data);

/// <summary>
/// How one compatibility profile renames or reshapes what a Socket.IO socket receives. Registered as a singleton
/// by the profile's folder; <see cref="SocketProfiles"/> finds it by name. An event is shaped once per fan-out per
/// profile, and the same bytes go to every socket of that profile.
/// </summary>
public interface ISocketProfile
{
    string Name { get; }

    /// <summary>The event under this profile (Parley's name and payload in), or null to not send it at all.</summary>
    ShapedEvent? ShapeEvent(string type, ReadOnlyMemory<byte> data);

    /// <summary>An ack's JSON argument under this profile, for the request it answers.</summary>
    ReadOnlyMemory<byte> ShapeAck(string request, ReadOnlyMemory<byte> ack);
}

/// <summary>Parley's own shape: every event under its own name and payload.</summary>
public sealed class ParleySocketProfile : ISocketProfile
{
    public const string ProfileName = "parley";
    public string Name => ProfileName;
    public ShapedEvent? ShapeEvent(string type, ReadOnlyMemory<byte> data) => new ShapedEvent(type, data);
    public ReadOnlyMemory<byte> ShapeAck(string request, ReadOnlyMemory<byte> ack) => ack;
}

/// <summary>The socket profiles by name; a socket asks with <c>?profile=</c>, else gets the server-wide <c>Compat:Profile</c>.</summary>
public sealed class SocketProfiles(IEnumerable<ISocketProfile> profiles, IConfiguration configuration)
{
    private readonly Dictionary<string, ISocketProfile> _byName =
        profiles.Append(new ParleySocketProfile()).DistinctBy(p => p.Name, StringComparer.OrdinalIgnoreCase)
            .ToDictionary(p => p.Name, StringComparer.OrdinalIgnoreCase);

    private string DefaultName => configuration["Compat:Profile"] is { Length: > 0 } name ? name : ParleySocketProfile.ProfileName;

    /// <summary>The profile asked for (or the default); null when there is no such profile.</summary>
    public ISocketProfile? Find(string? name) => _byName.GetValueOrDefault(string.IsNullOrEmpty(name) ? DefaultName : name);

    public IEnumerable<string> Names => _byName.Keys;
}
