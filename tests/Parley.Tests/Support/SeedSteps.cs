using System.Net.Http.Json;
using System.Text.Json;

namespace Parley.Tests.Support;

/// <summary>What the seed clients do before they have a token: post anonymously, then hold the token a login answered.</summary>
public static class SeedSteps
{
    public static async Task<ApiResponse> AnonymousPostAsync(this ParleyApp app, string path, object body) =>
        await ApiResponse.ReadAsync(await app.Http().PostAsJsonAsync(path, body));

    /// <summary>The user a register or login answer (data {token, user}) signed in.</summary>
    public static TestUser SignedIn(this ParleyApp app, string username, JsonElement auth) =>
        new(auth.GetProperty("user").Str("id"), username, auth.Str("token"), app.Http(auth.Str("token")), app);
}
