using Parley.Server.Events;

namespace Parley.Server.Realtime;

/// <summary>
/// One event on its way to this node's connections. Each wire form is serialised once, by the first connection
/// that needs it, and the same bytes go to every other one: <see cref="Native"/> for the gateway, and one frame per
/// key (a Socket.IO profile, say) from <see cref="For"/>. Fan-out delivers an event on one thread, so no locking.
/// </summary>
public sealed class EventDelivery(ChatEvent e)
{
    private OutFrame? _native;
    private (object Key, OutFrame Frame)[]? _forms;
    private int _count;

    public ChatEvent Event => e;

    public OutFrame Native => _native ??= Frames.Event(e);

    /// <summary>The frame of <paramref name="key"/>'s wire form, built by <paramref name="build"/> the first time it is asked for.</summary>
    public OutFrame For(object key, Func<ChatEvent, object, OutFrame> build)
    {
        for (var i = 0; i < _count; i++)
            if (ReferenceEquals(_forms![i].Key, key)) return _forms[i].Frame;
        var frame = build(e, key);
        _forms ??= new (object, OutFrame)[2];
        if (_count == _forms.Length) Array.Resize(ref _forms, _count * 2);
        _forms[_count++] = (key, frame);
        return frame;
    }
}
