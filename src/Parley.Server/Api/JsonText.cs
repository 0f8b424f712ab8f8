using System.Text;
using System.Text.Json;
using System.Text.Unicode;

namespace Parley.Server.Api;

/// <summary>What is wrong with a piece of client JSON, and where: a dotted path ("payload.items"), or "body".</summary>
public readonly record struct JsonProblem(string Field, string Problem);

/// <summary>
/// The one check every client JSON document passes before anything reads it (REST bodies, socket frames): well-formed,
/// at most 64 levels deep, and every property name and string decodes to text: no invalid UTF-8, no lone surrogate
/// (<c>"\ud800"</c>), no NUL (<c>"\u0000"</c>, which PostgreSQL cannot store and nothing needs). One forward pass with
/// no allocation for the common unescaped string.
/// </summary>
public static class JsonText
{
    public const int MaxDepth = 64;
    private const string BadText = "Is not valid text (invalid UTF-8 or a lone surrogate)";
    private static string NameProblem(string what) => $"Has a property name that {what}";
    private const string HasNul = "Must not contain the NUL character (U+0000)";

    public static JsonProblem? Check(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = MaxDepth });
        // Where each open property's name starts and ends, to name the field only when something is wrong.
        Span<(int Start, int Length)> names = stackalloc (int, int)[MaxDepth + 1];
        try
        {
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.StartObject or JsonTokenType.StartArray:
                        names[reader.CurrentDepth + 1] = default;
                        break;
                    case JsonTokenType.PropertyName:
                        if (Problem(ref reader) is { } nameProblem)
                            return new JsonProblem(Path(json, names, reader.CurrentDepth - 1), NameProblem(nameProblem == HasNul ? "contains NUL" : "is not valid text"));
                        names[reader.CurrentDepth] = ((int)reader.TokenStartIndex + 1, reader.ValueSpan.Length);
                        break;
                    case JsonTokenType.String:
                        if (Problem(ref reader) is { } valueProblem)
                            return new JsonProblem(Path(json, names, reader.CurrentDepth), valueProblem);
                        break;
                }
            }
            return null;
        }
        catch (JsonException e)
        {
            return new JsonProblem("body", $"Malformed JSON: {e.Message}");
        }
    }

    /// <summary>Why the current string token is not acceptable text, or null when it is.</summary>
    private static string? Problem(ref Utf8JsonReader reader)
    {
        if (!reader.ValueIsEscaped) return Utf8.IsValid(reader.ValueSpan) ? null : BadText;
        try
        {
            return reader.GetString()!.Contains('\0') ? HasNul : null;
        }
        catch (InvalidOperationException)
        {
            return BadText;
        }
    }

    /// <summary>The dotted names of the open properties down to <paramref name="depth"/> (array items keep their property's name).</summary>
    private static string Path(ReadOnlySpan<byte> json, ReadOnlySpan<(int Start, int Length)> names, int depth)
    {
        var path = new StringBuilder();
        for (var level = 1; level <= depth; level++)
        {
            var (start, length) = names[level];
            if (start == 0) continue;
            if (path.Length > 0) path.Append('.');
            path.Append(Encoding.UTF8.GetString(json.Slice(start, length)));
        }
        return path.Length == 0 ? "body" : path.ToString();
    }
}
