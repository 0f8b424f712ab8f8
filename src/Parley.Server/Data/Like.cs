namespace Parley.Server.Data;

/// <summary>LIKE patterns that mean the same on SQLite and PostgreSQL: use with <c>LIKE @pattern ESCAPE '\'</c>.</summary>
public static class Like
{
    /// <summary>The text matched literally: backslash, % and _ are escaped.</summary>
    public static string Escape(string text) => text.Replace("\\", "\\\\").Replace("%", "\\%").Replace("_", "\\_");

    public static string Prefix(string text) => Escape(text) + "%";

    public static string Contains(string text) => "%" + Escape(text) + "%";
}
