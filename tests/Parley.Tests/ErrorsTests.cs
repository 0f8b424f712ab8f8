using System.Net.Http.Json;
using Parley.Tests.Support;

namespace Parley.Tests;

public static class ErrorAssertions
{
    /// <summary>Asserts the status and code and that the error's details name each field; returns the details.</summary>
    public static System.Text.Json.JsonElement ExpectFieldErrors(this ApiResponse response, int status, string code, params string[] fields)
    {
        response.ExpectError(status, code);
        var details = response.Error.GetProperty("details");
        foreach (var field in fields)
            Assert.True(details.TryGetProperty(field, out var problems) && problems.GetArrayLength() > 0, $"no details for {field}: {details}");
        return details;
    }
}

public sealed class ErrorsTests(ParleyApp app) : IClassFixture<ParleyApp>
{
    private static async Task<ApiResponse> Send(HttpClient http, HttpMethod method, string path, string? body = null, string contentType = "application/json")
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null) request.Content = new StringContent(body, System.Text.Encoding.UTF8, contentType);
        return await ApiResponse.ReadAsync(await http.SendAsync(request));
    }

    [Fact]
    public async Task Missing_token_is_401_in_the_envelope()
    {
        var response = await Send(app.Http(), HttpMethod.Get, "/api/conversations");
        response.ExpectError(401, "unauthorized");
        Assert.Equal(401, response.Root.GetProperty("statusCode").GetInt32());
        Assert.False(response.Root.GetProperty("success").GetBoolean());
        Assert.False(string.IsNullOrEmpty(response.Root.Str("message")));
    }

    [Fact]
    public async Task Forbidden_is_403_in_the_envelope()
    {
        var alice = await app.UserAsync("alice");
        var bob = await app.UserAsync("bob");
        var response = await alice.PutAsync($"/api/users/{bob.Id}", new { name = "x" });
        response.ExpectError(403, "forbidden");
        Assert.Equal(response.Root.Str("message"), response.Error.Str("message"));
    }

    [Theory]
    [InlineData("/api/nope")]
    [InlineData("/api/conversations/a/b/c/d")]
    [InlineData("/nothing-here")]
    public async Task An_unknown_route_is_404_in_the_envelope(string path)
    {
        var alice = await app.UserAsync("alice");
        var response = await alice.GetAsync(path);
        response.ExpectError(404, "not_found");
        Assert.Contains(path, response.Error.Str("message"));
    }

    [Fact]
    public async Task An_unknown_conversation_is_404_in_the_envelope()
    {
        var alice = await app.UserAsync("alice");
        var response = await alice.GetAsync($"/api/conversations/{Guid.CreateVersion7()}");
        response.ExpectError(404, "not_found");
        Assert.Equal("Conversation not found", response.Error.Str("message"));
    }

    [Theory]
    [InlineData("PATCH", "/api/users/me")]
    [InlineData("POST", "/api/users")]
    [InlineData("PATCH", "/api/conversations")]
    [InlineData("GET", "/api/auth/login")]
    public async Task A_wrong_method_is_405_in_the_envelope(string method, string path)
    {
        var alice = await app.UserAsync("alice");
        var response = await Send(alice.Http, new HttpMethod(method), path, "{}");
        response.ExpectError(405, "method_not_allowed");
    }

    [Theory]
    [InlineData("/api/auth/register", false)]
    [InlineData("/api/conversations", true)]
    public async Task A_body_over_1_MiB_is_413_in_the_envelope(string path, bool withToken)
    {
        var http = withToken ? (await app.UserAsync("big")).Http : app.Http();
        using var request = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = new StringContent($"{{\"name\":\"{new string('x', (1 << 20) + 10)}\"}}", System.Text.Encoding.UTF8, "application/json"),
        };
        // The server refuses before the body is sent; without 100-continue the client may still be uploading when it hangs up.
        request.Headers.ExpectContinue = true;
        var response = await ApiResponse.ReadAsync(await http.SendAsync(request));
        response.ExpectError(413, "payload_too_large");
    }

    [Fact]
    public async Task A_body_just_under_the_limit_is_read_and_validated_normally()
    {
        var alice = await app.UserAsync("alice");
        var response = await Send(alice.Http, HttpMethod.Post, "/api/groups", $"{{\"name\":\"{new string('x', 1 << 19)}\"}}");
        response.ExpectFieldErrors(400, "validation_failed", "name");
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/x-www-form-urlencoded")]
    [InlineData("application/xml")]
    public async Task A_non_json_body_is_415_in_the_envelope(string contentType)
    {
        var alice = await app.UserAsync("alice");
        var response = await Send(alice.Http, HttpMethod.Post, "/api/conversations", "{\"type\":\"group\",\"name\":\"x\"}", contentType);
        response.ExpectError(415, "unsupported_media_type");
        Assert.Empty((await alice.GetAsync("/api/conversations")).Expect(200).EnumerateArray());
        (await Send(app.Http(), HttpMethod.Post, "/api/auth/register", "username=a&password=b", contentType)).ExpectError(415);
    }

    [Theory]
    [InlineData("{\"type\":")]
    [InlineData("{type: 'group'}")]
    [InlineData("{\"name\":\"a\",}")]
    [InlineData("[1,2]")]
    [InlineData("\"group\"")]
    [InlineData("null")]
    [InlineData("42")]
    [InlineData("{\"name\":\"a\"} trailing")]
    public async Task Malformed_or_non_object_json_is_400(string body)
    {
        var alice = await app.UserAsync("alice");
        var response = await Send(alice.Http, HttpMethod.Post, "/api/conversations", body);
        response.ExpectError(400);
        (await Send(app.Http(), HttpMethod.Post, "/api/auth/login", body)).ExpectError(400);
    }

    public static TheoryData<string, byte[]> HostileBodies => new()
    {
        { "deep nesting", System.Text.Encoding.UTF8.GetBytes($"{{\"name\":{new string('[', 5000)}{new string(']', 5000)}}}") },
        { "duplicate keys", System.Text.Encoding.UTF8.GetBytes("{\"name\":\"a\",\"name\":\"b\"}") },
        { "duplicate keys after snake_case", System.Text.Encoding.UTF8.GetBytes("{\"name\":\"a\",\"Name\":\"b\"}") },
        { "invalid utf-8", [0x7B, 0x22, 0x6E, 0x61, 0x6D, 0x65, 0x22, 0x3A, 0x22, 0xC3, 0x28, 0x22, 0x7D] },
    };

    [Theory, MemberData(nameof(HostileBodies))]
    public async Task Hostile_json_is_400_not_500(string what, byte[] body)
    {
        var alice = await app.UserAsync("alice");
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        var response = await ApiResponse.ReadAsync(await alice.Http.PostAsync("/api/groups", content));
        // Keys that differ only in case are one field (last wins); bytes that are not UTF-8 become U+FFFD. Never a 500.
        Assert.True(response.Code is 400 or 201, $"{what}: {response.Root}");
        if (what is "deep nesting" or "duplicate keys") response.ExpectError(400);
    }

    [Theory]
    [InlineData("/api/groups", "{\"name\":5}", "name")]
    [InlineData("/api/groups", "{\"name\":\"G\",\"members\":\"not-a-list\"}", "members")]
    [InlineData("/api/conversations", "{\"name\":\"G\",\"is_group\":\"yes\"}", "isGroup")]
    [InlineData("/api/conversations", "{\"participant_ids\":{\"a\":1}}", "participantIds")]
    [InlineData("/api/auth/register", "{\"username\":[\"alice\"],\"password\":\"correct-horse\"}", "username")]
    [InlineData("/api/auth/login", "{\"username\":\"a\",\"password\":true}", "password")]
    public async Task A_wrong_json_type_for_a_field_is_400_naming_the_field(string path, string body, string field)
    {
        var alice = await app.UserAsync("alice");
        (await Send(alice.Http, HttpMethod.Post, path, body)).ExpectFieldErrors(400, "validation_failed", field);
    }

    [Fact]
    public async Task A_wrong_json_type_on_an_update_names_the_field_and_changes_nothing()
    {
        var alice = await app.UserAsync("alice");
        (await Send(alice.Http, HttpMethod.Put, $"/api/users/{alice.Id}", "{\"name\":{\"first\":\"A\"}}"))
            .ExpectFieldErrors(400, "validation_failed", "name");
        Assert.Equal("alice", (await alice.GetAsync("/api/users/me")).Expect(200).Str("name"));
    }

    [Theory]
    [InlineData("/api/conversations?page=0")]
    [InlineData("/api/conversations?limit=-5")]
    [InlineData("/api/conversations?page=x")]
    [InlineData("/api/conversations?limit=9999999999999")]
    [InlineData("/api/groups?page=1.5")]
    [InlineData("/api/channels?limit=abc")]
    [InlineData("/api/users?limit=0")]
    public async Task Bad_page_or_limit_is_400(string path)
    {
        var alice = await app.UserAsync("alice");
        (await alice.GetAsync(path)).ExpectError(400, "bad_request");
        // An empty value counts as absent: the defaults.
        (await alice.GetAsync("/api/users?page=&limit=")).Expect(200);
    }

    [Fact]
    public async Task Snake_case_and_camel_case_keys_are_both_accepted()
    {
        var alice = await app.UserAsync("alice");
        var bob = await app.UserAsync("bob");
        var carol = await app.UserAsync("carol");
        var group = (await alice.PostAsync("/api/conversations", new { type = "group", name = "Snakes", participant_ids = new[] { bob.Id } })).Expect(201);
        Assert.Contains(bob.Id, group.MemberRoles().Keys);
        var id = group.Str("id");
        (await alice.PostAsync($"/api/conversations/{id}/members", new { user_id = carol.Id })).Expect(200);
        Assert.Equal("https://example.com/p.png",
            (await alice.PutAsync($"/api/conversations/{id}", new { group_picture = "https://example.com/p.png" })).Expect(200).Str("picture"));
        Assert.Equal("avatars/a.png",
            (await alice.PutAsync($"/api/users/{alice.Id}", new { Profile_Picture = "avatars/a.png" })).Expect(200).Str("profilePicture"));
        Assert.Equal("Upper", (await alice.PutAsync($"/api/conversations/{id}", new { NAME = "Upper" })).Expect(200).Str("name"));
    }
}

/// <summary>429 needs a tight limit, so it gets a server of its own (the same settings as the login throttle tests).</summary>
public sealed class TooManyRequestsErrorTests(LoginThrottleApp app) : IClassFixture<LoginThrottleApp>
{
    [Fact]
    public async Task Too_many_requests_is_429_in_the_envelope_with_Retry_After()
    {
        var http = app.Http();
        ApiResponse response;
        var attempts = 0;
        do response = await ApiResponse.ReadAsync(await http.PostAsJsonAsync("/api/auth/login", new { username = "nobody", password = "wrong-horse" }));
        while (response.Code == 401 && ++attempts < 10);
        response.ExpectError(429, "rate_limited");
        Assert.Equal(3, attempts);
        Assert.True(response.Raw.Headers.RetryAfter?.Delta > TimeSpan.Zero);
    }
}
