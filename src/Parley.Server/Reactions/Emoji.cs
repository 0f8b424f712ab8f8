using System.Globalization;
using System.Text;

namespace Parley.Server.Reactions;

/// <summary>
/// What may be a reaction: one emoji grapheme cluster (ZWJ sequences, skin tones, flags, keycaps and
/// presentation selectors included) or a <c>:shortcode:</c> of at most 64 characters of [a-z0-9_+-].
/// </summary>
public static class Emoji
{
    public const int MaxShortcode = 64;
    private const int MaxClusterChars = 64;

    /// <summary>The reaction's stored spelling (shortcodes lower-cased), or null when it is not one.</summary>
    public static string? Normalize(string? raw)
    {
        if (string.IsNullOrEmpty(raw)) return null;
        if (raw.Length >= 3 && raw[0] == ':' && raw[^1] == ':')
        {
            var code = raw.ToLowerInvariant();
            return code.Length <= MaxShortcode && code.AsSpan(1, code.Length - 2).ContainsAnyExcept(ShortcodeChars) is false ? code : null;
        }
        raw = raw.Normalize(NormalizationForm.FormC);
        return raw.Length <= MaxClusterChars && StringInfo.GetNextTextElementLength(raw) == raw.Length && IsEmojiCluster(raw) ? raw : null;
    }

    private static readonly System.Buffers.SearchValues<char> ShortcodeChars =
        System.Buffers.SearchValues.Create("abcdefghijklmnopqrstuvwxyz0123456789_+-");

    private static bool IsEmojiCluster(string cluster)
    {
        var runes = cluster.EnumerateRunes().ToList();
        var first = runes[0];
        // Keycaps: 0-9, # or * with U+20E3 (usually after U+FE0F).
        if (first.Value is (>= '0' and <= '9') or '#' or '*')
            return runes.Count >= 2 && runes[^1].Value == 0x20E3 && runes.Skip(1).SkipLast(1).All(r => r.Value == 0xFE0F);
        if (!IsPictographic(first)) return false;
        return runes.Skip(1).All(r => IsPictographic(r) || r.Value is 0x200D or 0xFE0F or 0x20E3 or (>= 0x1F3FB and <= 0x1F3FF) or (>= 0xE0020 and <= 0xE007F));
    }

    /// <summary>A symbol in the blocks emoji live in (regional indicators for flags included); letters, digits and punctuation are not.</summary>
    private static bool IsPictographic(Rune r) =>
        Rune.GetUnicodeCategory(r) == UnicodeCategory.OtherSymbol
        && (r.Value >= 0x1F000 || r.Value is (>= 0x2000 and <= 0x33FF) or 0xA9 or 0xAE);
}
