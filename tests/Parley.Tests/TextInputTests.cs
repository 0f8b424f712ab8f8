using System.Net.Http.Headers;
using System.Text;
using Dapper;
using Parley.Server.Data;
using Parley.Tests.Support;

namespace Parley.Tests;

/// <summary>Text that is not text, names that look like nothing or like something else, ids that are paths: all 400s.</summary>
public sealed class TextInputTests(ParleyApp app) : IClassFixture<ParleyApp>
{
    private static async Task<ApiResponse> PostRawAsync(HttpClient http, string path, byte[] body)
    {
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return await ApiResponse.ReadAsync(await http.PostAsync(path, content));
    }

    public static TheoryData<string, byte[], string> Undecodable => new()
    {
        { "invalid UTF-8 in a name", [(byte)'{', (byte)'"', 0xFF, 0xFE, (byte)'"', (byte)':', (byte)'1', (byte)'}'], "body" },
        { "lone surrogate in a name", Encoding.UTF8.GetBytes("{\"\\ud800\":1}"), "body" },
        { "lone surrogate in a camelCase value", Encoding.UTF8.GetBytes("{\"username\":\"a\\ud800\",\"password\":\"correct-horse\"}"), "username" },
        { "lone surrogate in a snake_case value", Encoding.UTF8.GetBytes("{\"user_name\":\"a\\udc00\",\"password\":\"correct-horse\"}"), "user_name" },
        { "invalid UTF-8 in a snake_case value", [.. "{\"display_name\":\"a"u8, 0xC3, 0x28, .. "\",\"username\":\"x\"}"u8], "display_name" },
        { "NUL in a value", Encoding.UTF8.GetBytes("{\"username\":\"ab\\u0000cd\",\"password\":\"correct-horse\"}"), "username" },
    };

    [Theory]
    [MemberData(nameof(Undecodable))]
    public async Task Text_that_does_not_decode_is_a_400_naming_the_field_in_either_casing(string what, byte[] body, string field)
    {
        var response = await PostRawAsync(app.Http(), "/api/auth/register", body);
        Assert.True(response.Code == 400, $"{what}: {response.Root}");
        if (field != "body") response.ExpectFieldErrors(400, "validation_failed", field);
    }

    public static TheoryData<string> InvisibleOrSpoofing => ["\u200B\u200B", " \u200D\uFEFF ", "\u2060", "\u3164", "Ev\u202Eil", "a\u2066b\u2069"];

    [Theory]
    [MemberData(nameof(InvisibleOrSpoofing))]
    public async Task Names_that_show_nothing_or_run_backwards_are_refused(string name)
    {
        var alice = await app.UserAsync("alice");
        var bob = await app.UserAsync("bob");
        (await alice.PutAsync($"/api/users/{alice.Id}", new { name })).ExpectFieldErrors(400, "validation_failed", "name");
        (await alice.PostAsync("/api/conversations", new { type = "group", name, participantIds = new[] { bob.Id } }))
            .ExpectFieldErrors(400, "validation_failed", "name");
        var group = await alice.GroupAsync("group", bob);
        (await alice.PutAsync($"/api/conversations/{group}", new { name })).ExpectFieldErrors(400, "validation_failed", "name");
        var register = await ApiResponse.ReadAsync(await app.Http().PostAsync("/api/auth/register",
            JsonContent(new { username = $"n{Guid.NewGuid():N}"[..20], password = "correct-horse", name })));
        register.ExpectFieldErrors(400, "validation_failed", "name");
    }

    [Fact]
    public async Task Invisible_only_text_is_empty_and_NUL_is_never_stored()
    {
        var alice = await app.UserAsync("alice");
        var bob = await app.UserAsync("bob");
        var group = await alice.GroupAsync("group", bob);
        (await alice.PostAsync($"/api/conversations/{group}/messages", new { content = "\u200B\u200C" })).ExpectFieldErrors(400, "validation_failed", "content");
        (await alice.PostAsync($"/api/conversations/{group}/messages", new { content = "a\0b" })).ExpectFieldErrors(400, "validation_failed", "content");
        (await alice.PutAsync($"/api/conversations/{group}", new { description = "\u200B" })).ExpectFieldErrors(400, "validation_failed", "description");
        (await alice.PutAsync("/api/status", new { status = "\u200B\u2060" })).ExpectFieldErrors(400, "validation_failed", "status");
        (await alice.PutAsync($"/api/users/{alice.Id}", new { name = "Al\0ice" })).ExpectFieldErrors(400, "validation_failed", "name");
        (await alice.GetAsync("/api/users?search=a%00b")).ExpectFieldErrors(400, "validation_failed", "search");
        Assert.Equal(0, await app.ScalarAsync("SELECT COUNT(*) FROM messages WHERE conversation_id = @group AND seq > 0 AND type = 'text'", new { group }));
    }

    [Theory]
    [InlineData("%2e%2e")]
    [InlineData("%2E.")]
    [InlineData("..")]
    public async Task A_dot_segment_id_is_a_400_and_never_runs_the_parent_route(string id)
    {
        var alice = await app.UserAsync("alice");
        var bob = await app.UserAsync("bob");
        var group = await alice.GroupAsync("group", bob);
        var uri = new Uri($"{app.BaseAddress}api/conversations/{group}/members/{id}", new UriCreationOptions { DangerousDisablePathAndQueryCanonicalization = true });
        var response = await ApiResponse.ReadAsync(await alice.Http.SendAsync(new HttpRequestMessage(HttpMethod.Delete, uri)));
        response.ExpectError(400, "bad_request");
        (await alice.GetAsync($"/api/conversations/{group}")).Expect(200);
        (await alice.GetAsync("/api/conversations/not-a-uuid")).ExpectFieldErrors(400, "validation_failed", "id");
    }

    [Theory]
    [InlineData(414, 20_000, "")]
    [InlineData(400, 0, "%00")]
    [InlineData(400, 0, "a%00b")]
    public async Task Request_lines_Kestrel_refuses_get_the_envelope_on_a_new_connection(int status, int length, string id)
    {
        await using var raw = await RawConnection.OpenAsync(app);
        await raw.SendAsync(RawConnection.Get($"/api/users/{id}{new string('a', length)}"));
        var response = await raw.ReadResponseAsync();
        Assert.Equal(status, response.Status);
        Assert.Equal(status, response.Json.GetProperty("error").GetProperty("status").GetInt32());
        Assert.True(await raw.ClosedByServerAsync());
        Assert.Equal("Healthy", await app.Http().GetStringAsync("/healthz"));
    }

    [Fact]
    public async Task A_connection_that_is_not_plain_http_is_passed_on_at_once()
    {
        await using var raw = await RawConnection.OpenAsync(app);
        await raw.SendAsync([0x16, 0x03, 0x01, 0x00, 0x05, 0x01, 0x0A, 0x00, 0x00, 0x00]); // the start of a TLS ClientHello
        Assert.True(await raw.ClosedByServerAsync()); // Kestrel's own 400 and close, not a wait for more
    }

    [Fact]
    public async Task SQLite_syncs_every_commit_unless_told_otherwise()
    {
        Assert.SkipWhen(app.Dialect != Dialect.Sqlite, "a SQLite setting");
        await using var connection = await app.Db.OpenAsync();
        Assert.Equal(2, await connection.ExecuteScalarAsync<long>("PRAGMA synchronous")); // 2 = FULL
    }

    private static StringContent JsonContent(object value) =>
        new(System.Text.Json.JsonSerializer.Serialize(value), Encoding.UTF8, "application/json");
}
