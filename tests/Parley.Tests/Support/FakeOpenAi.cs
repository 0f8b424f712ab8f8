using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Parley.Tests.Support;

/// <summary>
/// How the fake answers one request: text chunks as server-sent events (held back at the pauses until released,
/// or forever), or an HTTP error.
/// </summary>
public sealed class FakeAnswer
{
    private readonly ConcurrentDictionary<int, TaskCompletionSource> _pauses = new();

    public IReadOnlyList<string> Chunks { get; init; } = [];
    public int? ErrorStatus { get; init; }
    public int? TotalTokens { get; init; }
    /// <summary>Drops the connection after the chunks, without finishing the stream.</summary>
    public bool Drop { get; init; }
    /// <summary>Completes when the request arrives, with its JSON body.</summary>
    public TaskCompletionSource<JsonElement> Received { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    /// <summary>Completes when the client went away before the answer ended (Parley cancelled the call).</summary>
    public TaskCompletionSource Aborted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public static FakeAnswer Text(params string[] chunks) => new() { Chunks = chunks };
    public static FakeAnswer Error(int status) => new() { ErrorStatus = status };
    /// <summary>Sends <paramref name="before"/>, then nothing more until the call is cancelled.</summary>
    public static FakeAnswer Hang(params string[] before)
    {
        var answer = new FakeAnswer { Chunks = before };
        answer.PauseBefore(before.Length);
        return answer;
    }

    /// <summary>Holds the stream before chunk <paramref name="index"/> (Chunks.Count: before the end) until the gate is released.</summary>
    public TaskCompletionSource PauseBefore(int index) => _pauses.GetOrAdd(index, _ => new(TaskCreationOptions.RunContinuationsAsynchronously));

    internal Task GateAsync(int index, CancellationToken ct) => _pauses.TryGetValue(index, out var gate) ? gate.Task.WaitAsync(ct) : Task.CompletedTask;
}

/// <summary>
/// An OpenAI-compatible chat-completions server on 127.0.0.1 (ephemeral port) for the agent tests: real HTTP,
/// real SSE streaming. Each answer is picked by a marker word found in the last user message.
/// </summary>
public sealed class FakeOpenAi : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, FakeAnswer> _answers = new();

    private FakeOpenAi(WebApplication app) => _app = app;

    public string BaseUrl { get; private set; } = "";
    public ConcurrentQueue<JsonElement> Requests { get; } = new();
    public ConcurrentQueue<string?> Authorizations { get; } = new();

    public static FakeOpenAi Start()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var fake = new FakeOpenAi(builder.Build());
        fake._app.MapPost("/v1/chat/completions", fake.CompleteAsync);
        fake._app.StartAsync().GetAwaiter().GetResult();
        fake.BaseUrl = fake._app.Urls.First() + "/v1";
        return fake;
    }

    /// <summary>Answers the next request whose last user message contains <paramref name="marker"/>.</summary>
    public FakeAnswer On(string marker, FakeAnswer answer)
    {
        _answers[marker] = answer;
        return answer;
    }

    private async Task CompleteAsync(HttpContext http)
    {
        var body = (await JsonDocument.ParseAsync(http.Request.Body)).RootElement.Clone();
        Requests.Enqueue(body);
        Authorizations.Enqueue(http.Request.Headers.Authorization.ToString());
        var last = body.GetProperty("messages").EnumerateArray().Last(m => m.GetProperty("role").GetString() == "user").GetProperty("content");
        var question = last.ValueKind == JsonValueKind.String ? last.GetString()! : last.GetRawText();
        var marker = _answers.Keys.FirstOrDefault(question.Contains);
        var answer = marker is not null && _answers.TryRemove(marker, out var scripted) ? scripted : FakeAnswer.Text("Hello", " from", " the fake.");
        answer.Received.TrySetResult(body);

        if (answer.ErrorStatus is { } status)
        {
            http.Response.StatusCode = status;
            await http.Response.WriteAsJsonAsync(new { error = new { message = $"fake failure {status}", type = "server_error", code = (string?)null } });
            return;
        }
        http.Response.ContentType = "text/event-stream";
        http.Response.Headers.CacheControl = "no-cache";
        var abort = http.RequestAborted;
        try
        {
            await SendAsync(http, Chunk(new { role = "assistant", content = "" }, null), abort);
            for (var i = 0; i < answer.Chunks.Count; i++)
            {
                await answer.GateAsync(i, abort);
                await SendAsync(http, Chunk(new { content = answer.Chunks[i] }, null), abort);
            }
            await answer.GateAsync(answer.Chunks.Count, abort);
            if (answer.Drop)
            {
                http.Abort();
                return;
            }
            await SendAsync(http, Chunk(new { }, "stop"), abort);
            if (answer.TotalTokens is { } total)
                await SendAsync(http, new
                {
                    id = "chatcmpl-fake", @object = "chat.completion.chunk", created = 1_700_000_000, model = "fake", choices = Array.Empty<object>(),
                    usage = new { prompt_tokens = total / 2, completion_tokens = total - total / 2, total_tokens = total }
                }, abort);
            await http.Response.WriteAsync("data: [DONE]\n\n", abort);
            await http.Response.Body.FlushAsync(abort);
        }
        catch (Exception) when (abort.IsCancellationRequested)
        {
            answer.Aborted.TrySetResult();
        }
    }

    private static object Chunk(object delta, string? finish) => new
    {
        id = "chatcmpl-fake", @object = "chat.completion.chunk", created = 1_700_000_000, model = "fake",
        choices = new[] { new { index = 0, delta, finish_reason = finish } },
    };

    private static async Task SendAsync(HttpContext http, object chunk, CancellationToken ct)
    {
        await http.Response.WriteAsync($"data: {JsonSerializer.Serialize(chunk)}\n\n", ct);
        await http.Response.Body.FlushAsync(ct);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
