using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace Parley.Client;

/// <summary>A typed client for Parley's REST API: unwraps the envelope, throws <see cref="ParleyApiException"/> on errors.</summary>
public sealed class ParleyClient(HttpClient http)
{
    public HttpClient Http { get; } = http;

    public string? Token { get; private set; }

    public string? UserId { get; private set; }

    public async Task<JsonElement> RegisterAsync(string username, string password, CancellationToken ct = default)
    {
        var data = await SendAsync(HttpMethod.Post, "/api/auth/register", new { username, password }, ct);
        UseToken(data.GetProperty("token").GetString()!, data.GetProperty("user").GetProperty("id").GetString()!);
        return data;
    }

    public async Task<JsonElement> LoginAsync(string username, string password, CancellationToken ct = default)
    {
        var data = await SendAsync(HttpMethod.Post, "/api/auth/login", new { username, password }, ct);
        UseToken(data.GetProperty("token").GetString()!, data.GetProperty("user").GetProperty("id").GetString()!);
        return data;
    }

    public Task<JsonElement> CreateGroupAsync(string name, IEnumerable<string> memberIds, CancellationToken ct = default) =>
        SendAsync(HttpMethod.Post, "/api/conversations", new { type = "group", name, participantIds = memberIds }, ct);

    public Task<JsonElement> SendMessageAsync(string conversationId, string content, string? clientMessageId = null, CancellationToken ct = default) =>
        SendAsync(HttpMethod.Post, $"/api/conversations/{conversationId}/messages", new { content, clientMessageId }, ct);

    /// <summary>Sends without reading the answer beyond its status: for load generators, where parsing would cost the server CPU.</summary>
    public async Task SendMessageFastAsync(string conversationId, string content, CancellationToken ct = default)
    {
        // Serialised up front so the request has a Content-Length instead of a chunked body.
        using var body = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(new MessageBody(content), Web));
        body.Headers.ContentType = Json;
        using var response = await Http.PostAsync($"/api/conversations/{conversationId}/messages", body, ct);
        if (!response.IsSuccessStatusCode) throw new ParleyApiException((int)response.StatusCode, await response.Content.ReadAsStringAsync(ct));
        await response.Content.CopyToAsync(Stream.Null, ct);
    }

    private sealed record MessageBody(string Content);

    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);
    private static readonly System.Net.Http.Headers.MediaTypeHeaderValue Json = new("application/json") { CharSet = "utf-8" };

    public Task<JsonElement> GetMessagesPageAsync(string conversationId, int page, int limit, CancellationToken ct = default) =>
        SendAsync(HttpMethod.Get, $"/api/conversations/{conversationId}/messages?page={page}&limit={limit}", null, ct);

    public Task<JsonElement> GetMessagesBeforeAsync(string conversationId, long beforeSeq, int limit, CancellationToken ct = default) =>
        SendAsync(HttpMethod.Get, $"/api/conversations/{conversationId}/messages?before={beforeSeq}&limit={limit}", null, ct);

    /// <summary>POST /api/uploads (multipart/form-data, field "file"): the upload {id, url, name, contentType, size, …}.</summary>
    public async Task<JsonElement> UploadAsync(Stream content, string fileName, CancellationToken ct = default)
    {
        using var form = new MultipartFormDataContent { { new StreamContent(content), "file", fileName } };
        using var response = await Http.PostAsync("/api/uploads", form, ct);
        using var document = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(ct), cancellationToken: ct);
        if (!response.IsSuccessStatusCode) throw new ParleyApiException((int)response.StatusCode, document.RootElement.ToString());
        return document.RootElement.GetProperty("data").Clone();
    }

    public async Task<JsonElement> SendAsync(HttpMethod method, string path, object? body, CancellationToken ct = default)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null) request.Content = JsonContent.Create(body);
        using var response = await Http.SendAsync(request, ct);
        await using var stream = await response.Content.ReadAsStreamAsync(ct);
        using var document = await JsonDocument.ParseAsync(stream, cancellationToken: ct);
        var root = document.RootElement;
        if (!response.IsSuccessStatusCode)
            throw new ParleyApiException((int)response.StatusCode, root.TryGetProperty("message", out var m) ? m.GetString() ?? "" : root.ToString());
        return root.GetProperty("data").Clone();
    }

    private void UseToken(string token, string userId)
    {
        Token = token;
        UserId = userId;
        Http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
    }
}

public sealed class ParleyApiException(int status, string message) : Exception($"{status}: {message}")
{
    public int Status { get; } = status;
}
