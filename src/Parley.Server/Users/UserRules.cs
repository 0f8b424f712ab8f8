using System.Net.Mail;
using System.Text.RegularExpressions;
using Parley.Server.Api;

namespace Parley.Server.Users;

public static partial class UserRules
{
    [GeneratedRegex("^[A-Za-z0-9_.-]{3,32}$")]
    private static partial Regex UsernamePattern();

    public static void Username(Validator v, string? username, bool required)
    {
        if (username is null) { v.Check(!required, "username", "Username is required"); return; }
        v.Check(UsernamePattern().IsMatch(username), "username", "Username must be 3-32 characters of letters, digits, '_', '.' or '-'");
    }

    /// <summary>Usernames people cannot take: the assistant agent's, and the one deleted accounts show.</summary>
    public static bool IsReserved(string username) =>
        UserStore.Key(username) is AgentDirectory.AssistantUsername or "deleted";

    public static void Email(Validator v, string? email)
    {
        if (email is null) return;
        var ok = email.Length <= 254 && MailAddress.TryCreate(email, out var parsed) && parsed.Address == email && email.Contains('.');
        v.Check(ok, "email", "Email must be a valid address");
    }

    public static void Password(Validator v, string? password, bool required)
    {
        if (password is null) { v.Check(!required, "password", "Password is required"); return; }
        v.Check(password.Length is >= 8 and <= 256, "password", "Password must be 8 to 256 characters");
    }

    public static void Name(Validator v, string? name) => TextRules.Name(v, "name", name);

    /// <summary>An http(s) URL or a relative path ("profile.jpg" in seed 001); never javascript: or data: URLs.</summary>
    public static void Picture(Validator v, string field, string? url) =>
        v.Check(url is null || (url.Length <= 2048 && (IsHttpUrl(url) || Uri.TryCreate(url, UriKind.Relative, out _))),
            field, "Must be an http(s) URL or a relative path of at most 2,048 characters");

    public static bool IsHttpUrl(string url) =>
        url.Length <= 2048 && Uri.TryCreate(url, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps);
}
