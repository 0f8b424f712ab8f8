using Parley.Server.Events;

namespace Parley.Server.Auth;

/// <summary>The events this feature raises, by the type name clients see.</summary>
public static class AuthEventTypes
{
    /// <summary>A user's security stamp changed (password change, account deletion): {userId}. Every node drops its cached stamp and closes the user's sockets.</summary>
    public const string StampChanged = ChatEvent.InternalPrefix + "stamp";

    /// <summary>A server administrator suspended a user: {userId}. As <see cref="StampChanged"/>, but the sockets close with 4403.</summary>
    public const string Suspended = ChatEvent.InternalPrefix + "suspended";

    /// <summary>A server API key was revoked: {keyId}. Every node drops it from its cache.</summary>
    public const string ApiKeyRevoked = ChatEvent.InternalPrefix + "api_key_revoked";
}
