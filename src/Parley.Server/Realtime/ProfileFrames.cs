using System.Text.Json;
using Parley.Server.Api;
using Parley.Server.Compat;
using Parley.Server.Events;

namespace Parley.Server.Realtime;

/// <summary>
/// The native gateway's frames in a compatibility profile (shaped by Compat's EventShaper). Fan-out caches one frame
/// per profile in its <see cref="EventDelivery"/> under <see cref="Key"/>, so an event is shaped once per profile
/// present, and sockets on the default profile cost what they always did.
/// </summary>
public static class ProfileFrames
{
    private static readonly object[] Keys = [.. Enum.GetValues<CompatProfile>().Select(p => (object)p)];

    /// <summary>The profile's key in an <see cref="EventDelivery"/> (one boxed value per profile, compared by reference).</summary>
    public static object Key(CompatProfile profile) => Keys[(int)profile];

    public static readonly Func<ChatEvent, object, OutFrame> Build = static (e, key) => Of(e, (CompatProfile)key);

    /// <summary>A frame of the socket's own (<c>ready</c>) in its profile.</summary>
    public static OutFrame Message<T>(string type, T data, CompatProfile profile)
    {
        if (profile == CompatProfile.Parley) return Frames.Message(type, data);
        var shaped = EventShaper.Shape(profile, type, JsonSerializer.SerializeToUtf8Bytes(data, JsonSetup.Default));
        return Frames.Event(shaped.Name, 0, shaped.Payload);
    }

    /// <summary>One event's frame in a profile, without a cache (replay sends each event to one socket).</summary>
    public static OutFrame Of(ChatEvent e, CompatProfile profile)
    {
        if (profile == CompatProfile.Parley) return Frames.Event(e);
        var shaped = EventShaper.Shape(profile, e.Type, e.Data);
        return Frames.Event(shaped.Name, e.Cursor, shaped.Payload);
    }
}
