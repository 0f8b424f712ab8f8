namespace Parley.Server.Presence;

/// <summary>The events this feature raises, by the type name clients see.</summary>
public static class PresenceEventTypes
{
    public const string Typing = "typing";
    public const string Presence = "presence";
}
