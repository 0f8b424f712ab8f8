using Dapper;
using Parley.Server.Data;

namespace Parley.Server.Users;

/// <summary>
/// The usernames in Admin:Usernames (Admin__Usernames="alice,bob", or an array) administer the server, as does
/// the first account created on an empty server (UserStore). The flag is stored (users.is_admin): set at sign-up
/// and for existing accounts at start-up.
/// </summary>
public sealed class ServerAdmins(IConfiguration configuration)
{
    private readonly HashSet<string> _named = Read(configuration.GetSection("Admin:Usernames"));

    public bool IsNamed(string username) => _named.Contains(UserStore.Key(username));

    public async Task ApplyAsync(Db db)
    {
        if (_named.Count == 0) return;
        var list = _named.ToArray();
        await db.WriteAsync((connection, tx) => connection.ExecuteAsync(
            $"UPDATE users SET is_admin = @yes WHERE kind = 'human' AND deleted_at IS NULL AND username_key {db.In("list")}", new { list, yes = true }, tx));
    }

    private static HashSet<string> Read(IConfigurationSection section)
    {
        var values = section.Value is { } single ? single.Split([',', ';', ' '], StringSplitOptions.RemoveEmptyEntries)
            : section.GetChildren().Select(c => c.Value ?? "");
        return values.Where(v => v.Length > 0).Select(UserStore.Key).ToHashSet(StringComparer.Ordinal);
    }
}
