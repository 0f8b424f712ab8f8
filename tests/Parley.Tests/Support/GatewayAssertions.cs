using System.Text.Json;

namespace Parley.Tests.Support;

/// <summary>Frame helpers shared by the gateway, presence and status tests.</summary>
public static class GatewayAssertions
{
    /// <summary>Connects and takes the ready frame, so the inbox then holds only what follows.</summary>
    public static async Task<WsClient> OnlineAsync(this TestUser user, string? path = null, TokenIn via = TokenIn.Header)
    {
        var client = await WsClient.ConnectAsync(user, path, via);
        var ready = await client.NextAsync("ready");
        Assert.Equal(user.Id, ready.GetProperty("data").Str("userId"));
        return client;
    }

    public static string Type(this JsonElement frame) => frame.Str("type");
    public static JsonElement Data(this JsonElement frame) => frame.GetProperty("data");
    public static long Cursor(this JsonElement frame) => frame.TryGetProperty("cursor", out var c) ? c.GetInt64() : 0;

    /// <summary>The types of the frames, leaving out presence (which depends on who happens to be online).</summary>
    public static List<string> Types(this IEnumerable<JsonElement> frames) => frames.Select(Type).Where(t => t != "presence").ToList();

    public static bool Is(this JsonElement frame, string type, string conversationId) =>
        frame.Type() == type && frame.Data().TryGetProperty("conversationId", out var id) && id.ValueKind == JsonValueKind.String && id.GetString() == conversationId;

    public static async Task<string> GroupAsync(this TestUser owner, params TestUser[] members)
    {
        var created = (await owner.PostAsync("/api/conversations", new { type = "group", name = "Plans", participantIds = members.Select(m => m.Id) })).Expect(201);
        return created.Str("id");
    }
}
