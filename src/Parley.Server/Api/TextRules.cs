using System.Globalization;

namespace Parley.Server.Api;

/// <summary>
/// What makes human text acceptable: not blank once invisible characters are removed (zero-width spaces and joiners,
/// format controls, fillers), and, for names, no bidi override or isolate controls (U+202A–U+202E, U+2066–U+2069),
/// which make a name display as another. NUL never gets this far: <see cref="JsonText"/> refuses it in every request.
/// </summary>
public static class TextRules
{
    /// <summary>True when nothing visible is left after removing whitespace and invisible characters (also for null).</summary>
    public static bool IsBlank([System.Diagnostics.CodeAnalysis.NotNullWhen(false)] string? text)
    {
        if (text is null) return true;
        foreach (var c in text)
            if (!IsInvisible(c)) return false;
        return true;
    }

    public static bool HasBidiControl(string? text) =>
        text is not null && (text.AsSpan().IndexOfAnyInRange('\u202A', '\u202E') >= 0 || text.AsSpan().IndexOfAnyInRange('\u2066', '\u2069') >= 0);

    private static bool IsInvisible(char c) =>
        char.IsWhiteSpace(c) || c is '\u034F' or '\u115F' or '\u1160' or '\u2800' or '\u3164' or '\uFFA0' or (>= '\uFE00' and <= '\uFE0F')
        || char.GetUnicodeCategory(c) is UnicodeCategory.Format or UnicodeCategory.Control;

    /// <summary>A display, group or channel name: 1 to <paramref name="max"/> characters, something visible, no bidi controls.</summary>
    public static void Name(Validator v, string field, string? name, int max = 100)
    {
        if (name is null) return;
        if (IsBlank(name)) v.Add(field, "Must contain a visible character (not only spaces or invisible characters)");
        else if (name.Trim().Length > max) v.Add(field, $"Must be at most {max} characters");
        if (HasBidiControl(name)) v.Add(field, "Must not contain bidirectional override or isolate characters (U+202A–U+202E, U+2066–U+2069)");
    }
}
