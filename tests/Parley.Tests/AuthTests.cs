using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Parley.Tests.Support;

namespace Parley.Tests;

public sealed class AuthTests(ParleyApp app) : IClassFixture<ParleyApp>
{
    public static TheoryData<string> Prefixes => ["/api/auth", "/api/users"];

    private static string Unique(string stem) => $"{stem}_{Guid.NewGuid().ToString("N")[..8]}";

    private async Task<ApiResponse> Post(string path, object body, string? token = null) =>
        await ApiResponse.ReadAsync(await app.Http(token).PostAsJsonAsync(path, body));

    private async Task<ApiResponse> GetMe(string token) => await ApiResponse.ReadAsync(await app.Http(token).GetAsync("/api/users/me"));

    [Theory, MemberData(nameof(Prefixes))]
    public async Task Register_returns_201_with_a_token_and_the_user_without_secrets(string prefix)
    {
        var username = Unique("reg");
        var response = await Post($"{prefix}/register",
            new { username, password = "correct-horse", email = $"{username}@example.com", name = "Reg Istered" });
        var data = response.Expect(201);
        Assert.Equal("Bearer", data.Str("tokenType"));
        var user = data.GetProperty("user");
        Assert.Equal(username, user.Str("username"));
        Assert.Equal($"{username}@example.com", user.Str("email"));
        Assert.Equal("Reg Istered", user.Str("name"));
        Assert.True(Guid.TryParse(user.Str("id"), out var id) && id.Version == 7);
        AssertNoSecrets(response.Root.GetRawText());

        // The token works straight away and names the new user.
        var me = (await GetMe(data.Str("token"))).Expect(200);
        Assert.Equal(user.Str("id"), me.Str("id"));
    }

    [Theory, MemberData(nameof(Prefixes))]
    public async Task Register_with_username_and_password_only_uses_the_username_as_name(string prefix)
    {
        var username = Unique("min");
        var user = (await Post($"{prefix}/register", new { username, password = "correct-horse" })).Expect(201).GetProperty("user");
        Assert.Equal(username, user.Str("name"));
        Assert.Equal(JsonValueKind.Null, user.GetProperty("email").ValueKind);
    }

    [Theory, MemberData(nameof(Prefixes))]
    public async Task Register_rejects_every_bad_field_at_once(string prefix)
    {
        var response = await Post($"{prefix}/register", new { username = "ab", password = "short", email = "not-an-email", name = "   " });
        response.ExpectFieldErrors(400, "validation_failed", "username", "password", "email", "name");
    }

    [Theory]
    [InlineData("ab")]
    [InlineData("has space")]
    [InlineData("emoji😀x")]
    [InlineData("slash/no")]
    [InlineData("a23456789012345678901234567890123")]
    public async Task Register_rejects_usernames_outside_3_to_32_of_the_allowed_characters(string username)
    {
        (await Post("/api/auth/register", new { username, password = "correct-horse" })).ExpectFieldErrors(400, "validation_failed", "username");
    }

    [Theory]
    [InlineData(3, "")]
    [InlineData(12, "A.b-c_")]
    [InlineData(32, "")]
    public async Task Register_accepts_usernames_of_3_to_32_allowed_characters(int length, string stem)
    {
        var username = (stem + Guid.NewGuid().ToString("N") + Guid.NewGuid().ToString("N"))[..length];
        var data = (await Post("/api/auth/register", new { username, password = "correct-horse" })).Expect(201);
        Assert.Equal(username, data.GetProperty("user").Str("username"));
    }

    [Fact]
    public async Task Register_without_username_or_password_names_both_fields()
    {
        (await Post("/api/auth/register", new { })).ExpectFieldErrors(400, "validation_failed", "username", "password");
    }

    [Theory, MemberData(nameof(Prefixes))]
    public async Task Usernames_are_unique_ignoring_case(string prefix)
    {
        var username = Unique("Case");
        (await Post($"{prefix}/register", new { username, password = "correct-horse" })).Expect(201);
        var again = await Post($"{prefix}/register", new { username = username.ToUpperInvariant(), password = "correct-horse" });
        Assert.False(again.ExpectFieldErrors(409, "conflict", "username").TryGetProperty("email", out _));
    }

    [Theory, MemberData(nameof(Prefixes))]
    public async Task Emails_are_unique_ignoring_case(string prefix)
    {
        var email = $"{Unique("mail")}@example.com";
        (await Post($"{prefix}/register", new { username = Unique("m1"), password = "correct-horse", email })).Expect(201);
        var again = await Post($"{prefix}/register", new { username = Unique("m2"), password = "correct-horse", email = email.ToUpperInvariant() });
        Assert.False(again.ExpectFieldErrors(409, "conflict", "email").TryGetProperty("username", out _));
    }

    [Fact]
    public async Task Racing_registrations_of_one_username_create_one_account()
    {
        var username = Unique("race");
        var responses = await Task.WhenAll(Enumerable.Range(0, 6).Select(i =>
            Post("/api/auth/register", new { username = i % 2 == 0 ? username : username.ToUpperInvariant(), password = "correct-horse" })));
        Assert.Single(responses, r => r.Code == 201);
        Assert.All(responses.Where(r => r.Code != 201), r => r.ExpectFieldErrors(409, "conflict", "username"));
    }

    [Fact]
    public async Task A_clash_on_both_username_and_email_names_both()
    {
        var username = Unique("both");
        var email = $"{username}@example.com";
        (await Post("/api/auth/register", new { username, password = "correct-horse", email })).Expect(201);
        var again = await Post("/api/auth/register", new { username, password = "correct-horse", email });
        again.ExpectFieldErrors(409, "conflict", "username", "email");
    }

    [Theory]
    [InlineData("parley-assistant")]
    [InlineData("Parley-Assistant")]
    public async Task The_assistant_agents_username_is_reserved(string username)
    {
        (await Post("/api/auth/register", new { username, password = "correct-horse" })).ExpectFieldErrors(409, "conflict", "username");
    }

    [Fact]
    public async Task Register_accepts_snake_case_keys()
    {
        var username = Unique("snake");
        var data = (await Post("/api/auth/register",
            new { username, password = "correct-horse", profile_picture = "https://example.com/me.png" })).Expect(201);
        Assert.Equal("https://example.com/me.png", data.GetProperty("user").Str("profilePicture"));
    }

    [Theory, MemberData(nameof(Prefixes))]
    public async Task Login_by_username_any_case_or_by_email_returns_a_working_token(string prefix)
    {
        var user = await app.UserAsync("login");
        foreach (var body in new object[]
                 {
                     new { username = user.Username, password = "correct-horse" },
                     new { username = user.Username.ToUpperInvariant(), password = "correct-horse" },
                     new { email = $"{user.Username}@example.com", password = "correct-horse" },
                     new { username = $"{user.Username}@example.com", password = "correct-horse" },
                 })
        {
            var data = (await Post($"{prefix}/login", body)).Expect(200);
            Assert.Equal(user.Id, data.GetProperty("user").Str("id"));
            Assert.Equal(user.Id, (await GetMe(data.Str("token"))).Expect(200).Str("id"));
        }
    }

    [Theory, MemberData(nameof(Prefixes))]
    public async Task Login_with_a_wrong_password_or_unknown_user_is_401(string prefix)
    {
        var user = await app.UserAsync("wrong");
        var wrong = await Post($"{prefix}/login", new { username = user.Username, password = "wrong-horse" });
        wrong.ExpectError(401, "unauthorized");
        var unknown = await Post($"{prefix}/login", new { username = Unique("nobody"), password = "correct-horse" });
        unknown.ExpectError(401, "unauthorized");
        // The same message either way: no hint which usernames exist.
        Assert.Equal(wrong.Error.Str("message"), unknown.Error.Str("message"));
        Assert.False(wrong.Root.TryGetProperty("data", out var d) && d.ValueKind == JsonValueKind.Object && d.TryGetProperty("token", out _));
    }

    [Fact]
    public async Task Login_accepts_a_login_field_and_the_assistant_agent_cannot_sign_in()
    {
        var user = await app.UserAsync("field");
        (await Post("/api/auth/login", new { login = user.Username, password = "correct-horse" })).Expect(200);
        (await user.PostAsync("/api/conversations", new { is_ai = true })).Expect(201);
        (await Post("/api/auth/login", new { username = "parley-assistant", password = "!" })).ExpectError(401);
        (await Post("/api/auth/login", new { username = "parley-assistant", password = "correct-horse" })).ExpectError(401);
    }

    [Fact]
    public async Task Login_without_fields_is_400_naming_them()
    {
        (await Post("/api/auth/login", new { })).ExpectFieldErrors(400, "validation_failed", "username", "password");
    }

    [Fact]
    public async Task The_token_is_HS256_with_sub_iat_exp_and_a_security_stamp()
    {
        var user = await app.UserAsync("claims");
        var parts = user.Token.Split('.');
        Assert.Equal(3, parts.Length);
        using var header = JsonDocument.Parse(Base64Url(parts[0]));
        Assert.Equal("HS256", header.RootElement.Str("alg"));
        using var payload = JsonDocument.Parse(Base64Url(parts[1]));
        var claims = payload.RootElement;
        Assert.Equal(user.Id, claims.Str("sub"));
        var iat = claims.GetProperty("iat").GetInt64();
        var exp = claims.GetProperty("exp").GetInt64();
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        Assert.InRange(iat, now - 300, now + 5);
        Assert.True(exp > now, "token already expired");
        Assert.False(string.IsNullOrEmpty(claims.Str("sst")));
        // Signed with the server's key (generated into the database: no Auth:SigningKey in tests).
        Assert.Equal(Signature(SigningKey(), $"{parts[0]}.{parts[1]}"), parts[2]);
    }

    [Fact]
    public async Task No_token_is_401_in_the_envelope_with_a_bearer_challenge()
    {
        var response = await ApiResponse.ReadAsync(await app.Http().GetAsync("/api/users/me"));
        response.ExpectError(401, "unauthorized");
        Assert.Contains("Bearer", response.Raw.Headers.WwwAuthenticate.ToString());
    }

    [Fact]
    public async Task An_alg_none_or_other_alg_token_is_401()
    {
        var user = await app.UserAsync("none");
        var payload = user.Token.Split('.')[1];
        var header = B64("""{"alg":"none","typ":"JWT"}""");
        await ExpectRejected($"{header}.{payload}.");
        await ExpectRejected($"{header}.{payload}");
        await ExpectRejected($"{B64("""{"alg":"NONE","typ":"JWT"}""")}.{payload}.");
        // Only HS256: the right key under another algorithm is refused too.
        var hs512 = $"{B64("""{"alg":"HS512","typ":"JWT"}""")}.{payload}";
        var signature = Convert.ToBase64String(HMACSHA512.HashData(SigningKey(), Encoding.ASCII.GetBytes(hs512))).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        await ExpectRejected($"{hs512}.{signature}");
    }

    [Fact]
    public async Task A_token_with_a_wrong_signature_is_401()
    {
        var user = await app.UserAsync("sig");
        var parts = user.Token.Split('.');
        var wrongKey = RandomNumberGenerator.GetBytes(64);
        await ExpectRejected($"{parts[0]}.{parts[1]}.{Signature(wrongKey, $"{parts[0]}.{parts[1]}")}");
        // A payload changed after signing (another user's id) is rejected too.
        var other = await app.UserAsync("other");
        var forged = B64(Encoding.UTF8.GetString(Base64Url(parts[1])).Replace(user.Id, other.Id));
        await ExpectRejected($"{parts[0]}.{forged}.{parts[2]}");
    }

    [Fact]
    public async Task An_expired_token_signed_with_the_real_key_is_401()
    {
        var user = await app.UserAsync("expired");
        var stamp = Claims(user.Token).Str("sst");
        var past = DateTimeOffset.UtcNow.AddHours(-2);
        var expired = Sign(new { sub = user.Id, iat = past.ToUnixTimeSeconds(), exp = past.AddHours(1).ToUnixTimeSeconds(), sst = stamp });
        var response = await GetMe(expired);
        response.ExpectError(401, "unauthorized");

        // The same token with a future exp is accepted, so it was the expiry that was refused.
        var fresh = Sign(new { sub = user.Id, iat = DateTimeOffset.UtcNow.ToUnixTimeSeconds(), exp = DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeSeconds(), sst = stamp });
        Assert.Equal(user.Id, (await GetMe(fresh)).Expect(200).Str("id"));
    }

    [Fact]
    public async Task A_token_without_exp_or_stamp_or_for_an_unknown_user_is_401_even_when_signed()
    {
        var user = await app.UserAsync("noexp");
        var stamp = Claims(user.Token).Str("sst");
        var noExp = Sign(new { sub = user.Id, sst = stamp });
        await ExpectRejected(noExp);
        var noStamp = Sign(new { sub = user.Id, exp = DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeSeconds() });
        await ExpectRejected(noStamp);
        // Well signed, but for nobody who exists.
        await ExpectRejected(Sign(new { sub = Guid.CreateVersion7().ToString(), exp = DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeSeconds(), sst = stamp }));
    }

    [Theory]
    [InlineData("garbage")]
    [InlineData("a.b.c")]
    [InlineData("a.b")]
    [InlineData("....")]
    [InlineData("e30.e30.")]
    [InlineData("bnVsbA.bnVsbA.AAAA")]
    [InlineData("WzFd.WzFd.AAAA")]
    [InlineData("eyJhbGciOiJIUzI1NiJ9.!!!.AAAA")]
    [InlineData("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOjF9.%%%")]
    public async Task A_malformed_token_is_401_not_500(string token) => await ExpectRejected(token);

    [Fact]
    public async Task A_bearer_header_without_a_token_is_401()
    {
        using var http = app.Http();
        http.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", "Bearer");
        (await ApiResponse.ReadAsync(await http.GetAsync("/api/users/me"))).ExpectError(401);
        using var basic = app.Http();
        basic.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", "dXNlcjpwYXNz");
        (await ApiResponse.ReadAsync(await basic.GetAsync("/api/users/me"))).ExpectError(401);
    }

    [Fact]
    public async Task The_token_of_a_deleted_user_is_401()
    {
        var user = await app.UserAsync("gone");
        var second = (await Post("/api/auth/login", new { username = user.Username, password = "correct-horse" })).Expect(200).Str("token");
        (await user.DeleteAsync($"/api/users/{user.Id}")).Expect(200);
        (await GetMe(user.Token)).ExpectError(401, "unauthorized");
        (await GetMe(second)).ExpectError(401, "unauthorized");
        // And they cannot sign in again.
        (await Post("/api/auth/login", new { username = user.Username, password = "correct-horse" })).ExpectError(401);
    }

    [Fact]
    public async Task A_password_change_revokes_earlier_tokens_at_once_and_returns_a_fresh_one()
    {
        var user = await app.UserAsync("pw");
        var otherDevice = (await Post("/api/users/login", new { username = user.Username, password = "correct-horse" })).Expect(200).Str("token");
        Assert.Equal(200, (await GetMe(otherDevice)).Code);

        var data = (await user.PutAsync($"/api/users/{user.Id}", new { password = "new-battery-staple" })).Expect(200);
        var fresh = data.Str("token");
        Assert.Equal(user.Id, data.GetProperty("user").Str("id"));
        AssertNoSecrets(data.GetRawText());

        (await GetMe(user.Token)).ExpectError(401, "unauthorized");
        (await GetMe(otherDevice)).ExpectError(401, "unauthorized");
        Assert.Equal(user.Id, (await GetMe(fresh)).Expect(200).Str("id"));

        // The old password no longer signs in; the new one does.
        (await Post("/api/auth/login", new { username = user.Username, password = "correct-horse" })).ExpectError(401);
        var relogin = (await Post("/api/auth/login", new { username = user.Username, password = "new-battery-staple" })).Expect(200);
        Assert.Equal(200, (await GetMe(relogin.Str("token"))).Code);
        // The fresh token from the change still works after another login (logins do not revoke).
        Assert.Equal(200, (await GetMe(fresh)).Code);
    }

    [Fact]
    public async Task A_password_change_with_a_wrong_current_password_changes_nothing()
    {
        var user = await app.UserAsync("cur");
        var response = await user.PutAsync($"/api/users/{user.Id}", new { password = "new-battery-staple", currentPassword = "not-it-at-all" });
        response.ExpectFieldErrors(400, "validation_failed", "currentPassword");
        Assert.Equal(200, (await GetMe(user.Token)).Code);
        (await Post("/api/auth/login", new { username = user.Username, password = "correct-horse" })).Expect(200);

        var ok = (await user.PutAsync($"/api/users/{user.Id}", new { password = "new-battery-staple", current_password = "correct-horse" })).Expect(200);
        Assert.Equal(200, (await GetMe(ok.Str("token"))).Code);
    }

    [Fact]
    public async Task A_profile_change_without_a_password_keeps_tokens_valid()
    {
        var user = await app.UserAsync("keep");
        (await user.PutAsync($"/api/users/{user.Id}", new { name = "Still Me" })).Expect(200);
        Assert.Equal("Still Me", (await GetMe(user.Token)).Expect(200).Str("name"));
    }

    [Fact]
    public async Task A_short_new_password_is_400_and_revokes_nothing()
    {
        var user = await app.UserAsync("short");
        (await user.PutAsync($"/api/users/{user.Id}", new { password = "short" })).ExpectFieldErrors(400, "validation_failed", "password");
        Assert.Equal(200, (await GetMe(user.Token)).Code);
    }

    [Fact]
    public async Task Register_and_login_ignore_a_bad_token()
    {
        var username = Unique("anon");
        (await Post("/api/auth/register", new { username, password = "correct-horse" }, token: "garbage")).Expect(201);
        (await Post("/api/auth/login", new { username, password = "correct-horse" }, token: "garbage")).Expect(200);
    }

    private async Task ExpectRejected(string token)
    {
        using var http = app.Http();
        http.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", $"Bearer {token}");
        var response = await ApiResponse.ReadAsync(await http.GetAsync("/api/users/me"));
        response.ExpectError(401, "unauthorized");
    }

    private byte[] SigningKey() => app.Services.GetRequiredService<Parley.Server.Auth.SigningKey>().Value;

    /// <summary>An HS256 token signed with the server's real key, with whatever claims the test wants.</summary>
    private string Sign(object claims)
    {
        var unsigned = $"{B64("""{"alg":"HS256","typ":"JWT"}""")}.{B64(JsonSerializer.Serialize(claims))}";
        return $"{unsigned}.{Signature(SigningKey(), unsigned)}";
    }

    private static string Signature(byte[] key, string unsigned) =>
        Convert.ToBase64String(HMACSHA256.HashData(key, Encoding.ASCII.GetBytes(unsigned))).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static JsonElement Claims(string token) => JsonDocument.Parse(Base64Url(token.Split('.')[1])).RootElement.Clone();

    private static byte[] Base64Url(string part)
    {
        var s = part.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(s.PadRight(s.Length + (4 - s.Length % 4) % 4, '='));
    }

    private static string B64(string json) => Convert.ToBase64String(Encoding.UTF8.GetBytes(json)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    internal static void AssertNoSecrets(string json)
    {
        foreach (var secret in new[] { "passwordHash", "password_hash", "securityStamp", "security_stamp", "\"password\"" })
            Assert.DoesNotContain(secret, json, StringComparison.OrdinalIgnoreCase);
    }
}

/// <summary>Login throttling needs a tight limit, so it has a server of its own.</summary>
public sealed class LoginThrottleApp : ParleyApp
{
    protected override IEnumerable<KeyValuePair<string, string>> Settings => [new("Auth:LoginAttemptsPerUsernamePerMinute", "3")];
}

public sealed class LoginRateLimitTests(LoginThrottleApp app) : IClassFixture<LoginThrottleApp>
{
    [Fact]
    public async Task Alternating_username_and_email_does_not_get_more_attempts()
    {
        var user = await app.UserAsync("alternating");
        var http = app.Http();
        var logins = new object[]
        {
            new { username = user.Username, password = "wrong-horse" }, new { email = $"{user.Username}@example.com", password = "wrong-horse" },
            new { login = user.Username.ToUpperInvariant(), password = "wrong-horse" }, new { username = $"{user.Username}@EXAMPLE.com", password = "wrong-horse" },
        };
        var codes = new List<int>();
        foreach (var body in logins) codes.Add((await ApiResponse.ReadAsync(await http.PostAsJsonAsync("/api/auth/login", body))).Code);
        Assert.Equal([401, 401, 401, 429], codes);
    }

    [Theory]
    [InlineData("/api/auth/login")]
    [InlineData("/api/users/login")]
    public async Task Login_attempts_per_username_are_limited_with_429_and_Retry_After(string path)
    {
        var user = await app.UserAsync("throttled");
        var http = app.Http();
        for (var i = 0; i < 3; i++)
        {
            var attempt = await ApiResponse.ReadAsync(await http.PostAsJsonAsync(path, new { username = user.Username, password = "wrong-horse" }));
            attempt.ExpectError(401);
        }
        // Even the right password is refused now, in the envelope, with a Retry-After.
        var limited = await ApiResponse.ReadAsync(await http.PostAsJsonAsync(path, new { username = user.Username, password = "correct-horse" }));
        limited.ExpectError(429, "rate_limited");
        var retryAfter = limited.Raw.Headers.RetryAfter;
        Assert.NotNull(retryAfter);
        Assert.NotNull(retryAfter!.Delta);
        Assert.InRange(retryAfter.Delta!.Value.TotalSeconds, 1, 60);
        // The limit is per account, whatever case and whether the username or the email was typed.
        (await ApiResponse.ReadAsync(await http.PostAsJsonAsync(path, new { username = user.Username.ToUpperInvariant(), password = "correct-horse" })))
            .ExpectError(429);
        (await ApiResponse.ReadAsync(await http.PostAsJsonAsync(path, new { email = $"{user.Username}@example.com", password = "correct-horse" })))
            .ExpectError(429);

        // Another username from the same address is not affected.
        var other = await app.UserAsync("free");
        (await ApiResponse.ReadAsync(await http.PostAsJsonAsync(path, new { username = other.Username, password = "correct-horse" }))).Expect(200);
        // Tokens already issued keep working.
        Assert.Equal(200, (await user.GetAsync("/api/users/me")).Code);
    }
}

/// <summary>A tight per-address limit on a server of its own.</summary>
public sealed class AddressThrottleApp : ParleyApp
{
    protected override IEnumerable<KeyValuePair<string, string>> Settings => [new("Auth:LoginAttemptsPerAddressPerMinute", "4")];
}

public sealed class LoginAddressRateLimitTests(AddressThrottleApp app) : IClassFixture<AddressThrottleApp>
{
    [Fact]
    public async Task Login_attempts_per_address_are_limited_across_usernames()
    {
        var http = app.Http();
        for (var i = 0; i < 4; i++)
            (await ApiResponse.ReadAsync(await http.PostAsJsonAsync("/api/auth/login", new { username = $"nobody{i}", password = "wrong-horse" })))
                .ExpectError(401);
        var limited = await ApiResponse.ReadAsync(await http.PostAsJsonAsync("/api/users/login", new { username = "nobody9", password = "wrong-horse" }));
        limited.ExpectError(429, "rate_limited");
        Assert.NotNull(limited.Raw.Headers.RetryAfter?.Delta);
    }
}
