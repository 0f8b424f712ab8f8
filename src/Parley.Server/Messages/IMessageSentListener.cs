namespace Parley.Server.Messages;

/// <summary>Told about each message a person sends (REST or gateway), once it is committed and published; must not block.</summary>
public interface IMessageSentListener
{
    void MessageSent(MessageDto message, string conversationType);
}
