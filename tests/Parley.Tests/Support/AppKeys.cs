using System.Net.Http.Headers;

namespace Parley.Tests.Support;

/// <summary>Server API keys in tests: created by an administrator, used as a <see cref="TestUser"/> whose client sends the key.</summary>
public static class AppKeys
{
    /// <summary>A new key with these scopes (none: all); its Id is the key's id, its Token the secret.</summary>
    public static async Task<TestUser> CreateKeyAsync(this TestUser admin, params string[] scopes)
    {
        var created = (await admin.PostAsync("/api/admin/api-keys", new { name = $"key {Guid.NewGuid():N}", scopes })).Expect(201);
        return KeyClient(admin.App, created.Str("id"), created.Str("secret"));
    }

    public static TestUser KeyClient(INode node, string keyId, string secret, string? actAs = null)
    {
        var http = node.Http();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("ApiKey", secret);
        if (actAs is not null) http.DefaultRequestHeaders.Add("Parley-Act-As", actAs);
        return new TestUser(actAs ?? keyId, "key", secret, http, node);
    }

    /// <summary>A bot of this key, as a client that acts as it (Parley-Act-As).</summary>
    public static async Task<TestUser> BotAsync(this TestUser key, string name = "helper")
    {
        var bot = (await key.PostAsync("/api/apps/bots", new { username = $"{name}_{Guid.NewGuid().ToString("N")[..8]}", displayName = "Helper Bot" })).Expect(201);
        Assert.True(bot.GetProperty("isBot").GetBoolean());
        return KeyClient(key.App, key.Id, key.Token, bot.Str("id")) with { Username = bot.Str("username") };
    }
}
