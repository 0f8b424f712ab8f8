using Parley.Server.Events;

namespace Parley.Server.Messages;

/// <summary>Told about each change of a message's text (link previews follow the new text).</summary>
public interface IMessageEditedListener
{
    /// <summary>Inside the editing transaction, before its message:updated is built: may change what the row shows.</summary>
    Task MessageEditingAsync(EventBatch batch, MessageRow message);

    /// <summary>Once the edit is committed and published; must not block.</summary>
    void MessageEdited(MessageDto message);
}
