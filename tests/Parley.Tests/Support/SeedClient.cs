using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace Parley.Tests.Support;

/// <summary>A raw answer: the status and the body as plain JSON, with no idea of Parley's envelope.</summary>
public sealed record RawAnswer(int Status, JsonElement Body)
{
    public JsonElement Expect(int status)
    {
        Assert.True(Status == status, $"expected {status}, got {Status}: {Body}");
        return Body;
    }
}

/// <summary>
/// A client that knows only one seed document: plain HTTP, a bearer token once it has one, and, when
/// <paramref name="profile"/> is set, the <c>Parley-Profile</c> header (null: whatever the server's profile is).
/// </summary>
public sealed class SeedClient(INode app, string? profile, string? token = null)
{
    public string? Token { get; } = token;
    public string Id { get; init; } = "";
    public string Username { get; init; } = "";

    private HttpClient Http()
    {
        var http = app.Http(Token);
        if (profile is not null) http.DefaultRequestHeaders.Add("Parley-Profile", profile);
        http.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        return http;
    }

    public SeedClient SignedIn(string token, string id, string username) => new(app, profile, token) { Id = id, Username = username };

    public Task<RawAnswer> GetAsync(string path) => SendAsync(HttpMethod.Get, path);
    public Task<RawAnswer> PostAsync(string path, object? body = null) => SendAsync(HttpMethod.Post, path, body ?? new { });
    public Task<RawAnswer> PutAsync(string path, object? body = null) => SendAsync(HttpMethod.Put, path, body ?? new { });
    public Task<RawAnswer> DeleteAsync(string path, object? body = null) => SendAsync(HttpMethod.Delete, path, body);

    public async Task<RawAnswer> SendAsync(HttpMethod method, string path, object? body = null, HttpContent? content = null)
    {
        using var http = Http();
        using var request = new HttpRequestMessage(method, path) { Content = content ?? (body is null ? null : JsonContent.Create(body)) };
        using var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(text.Length > 0, $"{(int)response.StatusCode} with an empty body");
        return new RawAnswer((int)response.StatusCode, JsonDocument.Parse(text).RootElement.Clone());
    }
}

public static class JsonShapeAssertions
{
    /// <summary>The object's property names, in order.</summary>
    public static List<string> Keys(this JsonElement o) => o.EnumerateObject().Select(p => p.Name).ToList();

    public static void HasKeys(this JsonElement o, params string[] keys)
    {
        foreach (var key in keys) Assert.True(o.TryGetProperty(key, out _), $"no \"{key}\" in {o}");
    }

    public static void LacksKeys(this JsonElement o, params string[] keys)
    {
        foreach (var key in keys) Assert.False(o.TryGetProperty(key, out _), $"unexpected \"{key}\" in {o}");
    }

    /// <summary>Every property name at every depth is snake_case (no capitals), except inside the named client-written fields.</summary>
    public static void AllSnakeCase(this JsonElement e, params string[] verbatim)
    {
        switch (e.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var p in e.EnumerateObject())
                {
                    Assert.False(p.Name.Any(char.IsUpper), $"\"{p.Name}\" is not snake_case in {e}");
                    if (!verbatim.Contains(p.Name)) p.Value.AllSnakeCase(verbatim);
                }
                break;
            case JsonValueKind.Array:
                foreach (var item in e.EnumerateArray()) item.AllSnakeCase(verbatim);
                break;
        }
    }

    /// <summary>No object at any depth has a property of this name (outside the named client-written fields).</summary>
    public static void NowhereHas(this JsonElement e, string name, params string[] verbatim)
    {
        switch (e.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var p in e.EnumerateObject())
                {
                    Assert.False(p.Name == name, $"\"{name}\" found in {e}");
                    if (!verbatim.Contains(p.Name)) p.Value.NowhereHas(name, verbatim);
                }
                break;
            case JsonValueKind.Array:
                foreach (var item in e.EnumerateArray()) item.NowhereHas(name, verbatim);
                break;
        }
    }
}

/// <summary>A Parley server whose profile (Compat__Profile) is one seed's: its clients send no header at all.</summary>
public sealed class Seed000App : ParleyApp
{
    protected override IEnumerable<KeyValuePair<string, string>> Settings => [new("Compat:Profile", "seed-000")];
}

public sealed class Seed001App : ParleyApp
{
    protected override IEnumerable<KeyValuePair<string, string>> Settings => [new("Compat:Profile", "seed-001")];
}

public sealed class Seed004App : ParleyApp
{
    protected override IEnumerable<KeyValuePair<string, string>> Settings => [new("Compat:Profile", "seed-004")];
}
