namespace Parley.Server.Presence;

/// <summary>How long "typing…" lasts without a refresh (Gateway:TypingTimeout, as DESIGN.md names it).</summary>
public sealed class TypingOptions
{
    public TimeSpan TypingTimeout { get; set; } = TimeSpan.FromSeconds(6);
}
