using System.Net;
using System.Text.Json;

namespace Parley.Tests.Support;

/// <summary>A response read as DESIGN.md's envelope, with the checks every test makes on it.</summary>
public sealed record ApiResponse(HttpStatusCode Status, JsonElement Root, HttpResponseMessage Raw)
{
    public int Code => (int)Status;
    public JsonElement Data => Root.GetProperty("data");
    public JsonElement Error => Root.GetProperty("error");
    public string? ErrorCode => Root.TryGetProperty("error", out var e) ? e.GetProperty("code").GetString() : null;

    public static async Task<ApiResponse> ReadAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(text.Length > 0, $"{(int)response.StatusCode} with an empty body");
        var root = JsonDocument.Parse(text).RootElement.Clone();
        // Every response, success or error, is in the one envelope.
        Assert.Equal((int)response.StatusCode, root.GetProperty("statusCode").GetInt32());
        var success = root.GetProperty("success").GetBoolean();
        Assert.Equal((int)response.StatusCode < 400, success);
        if (!success)
        {
            var error = root.GetProperty("error");
            Assert.Equal((int)response.StatusCode, error.GetProperty("status").GetInt32());
            Assert.False(string.IsNullOrEmpty(error.GetProperty("message").GetString()));
        }
        return new ApiResponse(response.StatusCode, root, response);
    }

    /// <summary>Asserts the status and returns the data, showing the body when the status is wrong.</summary>
    public JsonElement Expect(int status)
    {
        Assert.True(Code == status, $"expected {status}, got {Code}: {Root}");
        return Root.TryGetProperty("data", out var data) ? data : Root;
    }

    public void ExpectError(int status, string? code = null)
    {
        Assert.True(Code == status, $"expected {status}, got {Code}: {Root}");
        if (code is not null) Assert.Equal(code, ErrorCode);
    }
}

public static class JsonExtensions
{
    public static string Str(this JsonElement e, string name) => e.GetProperty(name).GetString()!;
    public static IEnumerable<string> Ids(this JsonElement array, string name = "id") => array.EnumerateArray().Select(x => x.Str(name));
}
