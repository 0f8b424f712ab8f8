using System.ClientModel;
using System.ClientModel.Primitives;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Options;
using OpenAI;
using OpenAI.Chat;

namespace Parley.Server.Agents;

/// <summary>A piece of a streamed answer: text, or the provider's token count for the whole call (usually last).</summary>
public readonly record struct AnswerPiece(string Text, int? TotalTokens);

/// <summary>
/// Any OpenAI-compatible chat-completions endpoint, through the OpenAI package: Agent:Endpoint is the base URL
/// (…/v1), requests go to {Endpoint}/chat/completions with stream=true and come back as server-sent events.
/// </summary>
public sealed class AgentProvider(IOptions<AgentOptions> options)
{
    private readonly Lazy<ChatClient> _client = new(() => Create(options.Value));

    public async IAsyncEnumerable<AnswerPiece> StreamAsync(IReadOnlyList<ChatMessage> messages, [EnumeratorCancellation] CancellationToken ct)
    {
        var settings = new ChatCompletionOptions { MaxOutputTokenCount = options.Value.MaxOutputTokens };
        await foreach (var update in _client.Value.CompleteChatStreamingAsync(messages, settings, ct).WithCancellation(ct))
        {
            foreach (var part in update.ContentUpdate)
                if (part.Kind == ChatMessageContentPartKind.Text && part.Text is { Length: > 0 } text) yield return new AnswerPiece(text, null);
            if (update.Usage is { } usage) yield return new AnswerPiece("", usage.TotalTokenCount);
        }
    }

    private static ChatClient Create(AgentOptions o)
    {
        var settings = new OpenAIClientOptions
        {
            Endpoint = new Uri(o.Endpoint!),
            // The reply's own deadline (Agent:Timeout) is enforced by the caller; this only keeps one stalled read from outliving it.
            NetworkTimeout = o.Timeout + TimeSpan.FromSeconds(5),
            RetryPolicy = new ClientRetryPolicy(o.MaxRetries),
            UserAgentApplicationId = "parley",
        };
        // Local servers often need no key, but the client always sends one.
        var key = string.IsNullOrWhiteSpace(o.ApiKey) ? "no-key" : o.ApiKey;
        return new ChatClient(o.Model, new ApiKeyCredential(key), settings);
    }
}
