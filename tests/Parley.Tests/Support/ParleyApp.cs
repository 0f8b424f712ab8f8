using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Parley.Tests.Support;

/// <summary>
/// One real Parley server per test class: Kestrel on 127.0.0.1 with an ephemeral port and a fresh SQLite
/// file in a folder of its own. Subclass and override <see cref="Settings"/> for per-class configuration.
/// </summary>
public class ParleyApp : WebApplicationFactory<Program>, IAsyncLifetime
{
    private int _users;

    public string DataDirectory { get; } = Path.Combine(Path.GetTempPath(), "parley-tests", Guid.NewGuid().ToString("N"));

    public Uri BaseAddress { get; private set; } = null!;

    protected virtual IEnumerable<KeyValuePair<string, string>> Settings => [];

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("urls", "http://127.0.0.1:0");
        builder.UseSetting("Data:DataDirectory", DataDirectory);
        // Fewer PBKDF2 rounds keep registration fast in tests; the algorithm is the same.
        builder.UseSetting("Auth:PasswordIterations", "1000");
        builder.UseSetting("Auth:LoginAttemptsPerAddressPerMinute", "1000");
        builder.UseSetting("Auth:LoginAttemptsPerUsernamePerMinute", "1000");
        foreach (var (key, value) in Settings) builder.UseSetting(key, value);
    }

    public ValueTask InitializeAsync()
    {
        UseKestrel(0);
        StartServer();
        var address = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        BaseAddress = new Uri(address.Replace("localhost", "127.0.0.1").Replace("[::]", "127.0.0.1"));
        return ValueTask.CompletedTask;
    }

    public new async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        try { Directory.Delete(DataDirectory, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        GC.SuppressFinalize(this);
    }

    /// <summary>A plain HTTP client to the real server (no test handler in between).</summary>
    public HttpClient Http(string? token = null)
    {
        var http = new HttpClient { BaseAddress = BaseAddress };
        if (token is not null) http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return http;
    }

    /// <summary>Registers a new user with a unique name and returns them signed in.</summary>
    public async Task<TestUser> UserAsync(string? name = null)
    {
        var username = $"{name ?? "user"}{Interlocked.Increment(ref _users)}_{Guid.NewGuid().ToString("N")[..6]}";
        var response = await Http().PostAsJsonAsync("/api/auth/register",
            new { username, password = "correct-horse", email = $"{username}@example.com", name = name ?? username });
        var api = await ApiResponse.ReadAsync(response);
        Assert.Equal(HttpStatusCode.Created, api.Status);
        var token = api.Data.GetProperty("token").GetString()!;
        return new TestUser(api.Data.GetProperty("user").GetProperty("id").GetString()!, username, token, Http(token), this);
    }
}

public sealed record TestUser(string Id, string Username, string Token, HttpClient Http, ParleyApp App)
{
    public async Task<ApiResponse> GetAsync(string path) => await ApiResponse.ReadAsync(await Http.GetAsync(path));
    public async Task<ApiResponse> PostAsync(string path, object? body = null) => await ApiResponse.ReadAsync(await Http.PostAsJsonAsync(path, body ?? new { }));
    public async Task<ApiResponse> PutAsync(string path, object? body = null) => await ApiResponse.ReadAsync(await Http.PutAsJsonAsync(path, body ?? new { }));
    public async Task<ApiResponse> DeleteAsync(string path, object? body = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Delete, path);
        if (body is not null) request.Content = JsonContent.Create(body);
        return await ApiResponse.ReadAsync(await Http.SendAsync(request));
    }
}
