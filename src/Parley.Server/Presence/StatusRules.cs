using Parley.Server.Api;

namespace Parley.Server.Presence;

public sealed record StatusRequest(string? UserId, string? Status);

/// <summary>Seed 002's statuses, or custom text; what is stored is null for "online" (automatic presence).</summary>
public static class StatusRules
{
    public const int MaxCustomLength = 100;
    public static readonly string[] Known = ["online", "offline", "away", "busy", "typing", "playing", "invisible"];

    public static Outcome<string?> Normalize(string? status)
    {
        var text = status?.Trim();
        if (TextRules.IsBlank(text))
            return Failure.Invalid("status", $"Status is required: one of {string.Join(", ", Known)}, or custom text");
        if (Known.FirstOrDefault(k => k.Equals(text, StringComparison.OrdinalIgnoreCase)) is { } known)
            return known == "online" ? null : known;
        if (text.Length > MaxCustomLength)
            return Failure.Invalid("status", $"A custom status is at most {MaxCustomLength} characters");
        return text;
    }
}
