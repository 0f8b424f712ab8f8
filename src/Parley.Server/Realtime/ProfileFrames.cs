using System.Text.Json;
using Parley.Server.Api;
using Parley.Server.Compat;
using Parley.Server.Events;

namespace Parley.Server.Realtime;

/// <summary>
/// The native gateway's frames of one event, one per compatibility profile (shaped by Compat's EventShaper), each
/// built the first time a socket of that profile needs it: a fan-out serialises an event once per profile present,
/// and sockets on the default profile cost what they always did.
/// </summary>
public struct ProfileFrames
{
    private OutFrame? _parley, _seed000, _seed001, _seed004;

    public OutFrame For(ChatEvent e, CompatProfile profile) => profile switch
    {
        CompatProfile.Parley => _parley ??= Frames.Event(e),
        CompatProfile.Seed000 => _seed000 ??= Of(e, profile),
        CompatProfile.Seed001 => _seed001 ??= Of(e, profile),
        _ => _seed004 ??= Of(e, profile),
    };

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
