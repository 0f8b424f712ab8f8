namespace Parley.Server.Agents;

/// <summary>The "Agent" settings section: which OpenAI-compatible endpoint answers, and within which limits.</summary>
public sealed class AgentOptions
{
    public const string Section = "Agent";

    public const string DefaultPrompt =
        "You are Parley Assistant, a helpful assistant inside the Parley chat app. Answer clearly and concisely. " +
        "If you do not know something, say so instead of guessing.";

    /// <summary>Base URL of the chat-completions API, e.g. https://api.openai.com/v1. Empty: the agent is not configured.</summary>
    public string? Endpoint { get; set; }
    public string Model { get; set; } = "gpt-4o-mini";
    public string? ApiKey { get; set; }
    public string SystemPrompt { get; set; } = DefaultPrompt;

    /// <summary>How many recent messages of the conversation go along as context, and at most how many characters of them.</summary>
    public int MaxHistoryMessages { get; set; } = 20;
    public int MaxHistoryCharacters { get; set; } = 12_000;
    public int MaxOutputTokens { get; set; } = 1024;

    /// <summary>The longest one answer may take, from the request to the last token.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(60);
    /// <summary>Retries of a request the provider refused with 408/429/5xx before any token arrived.</summary>
    public int MaxRetries { get; set; } = 1;

    public int RequestsPerUserPerMinute { get; set; } = 10;
    /// <summary>Tokens one user may spend per UTC day (0: no budget).</summary>
    public long DailyTokenBudgetPerUser { get; set; } = 100_000;

    /// <summary>At most one message:delta event per interval and reply.</summary>
    public TimeSpan DeltaInterval { get; set; } = TimeSpan.FromMilliseconds(50);
    public int MaxConcurrentReplies { get; set; } = 4;
    public int QueueCapacity { get; set; } = 100;

    public bool IsConfigured => !string.IsNullOrWhiteSpace(Endpoint);

    /// <summary>What is wrong with the settings, or null.</summary>
    public string? Problem() =>
        IsConfigured && !(Uri.TryCreate(Endpoint, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https") ? "Agent:Endpoint must be an http(s) URL"
        : IsConfigured && string.IsNullOrWhiteSpace(Model) ? "Agent:Model is required with an endpoint"
        : MaxHistoryMessages < 1 || MaxHistoryCharacters < 100 || MaxOutputTokens < 1 ? "Agent:MaxHistoryMessages, MaxHistoryCharacters (>= 100) and MaxOutputTokens must be positive"
        : Timeout <= TimeSpan.Zero || DeltaInterval < TimeSpan.Zero || MaxRetries < 0 ? "Agent:Timeout must be positive, DeltaInterval and MaxRetries not negative"
        : RequestsPerUserPerMinute < 1 || DailyTokenBudgetPerUser < 0 ? "Agent:RequestsPerUserPerMinute must be positive, DailyTokenBudgetPerUser not negative"
        : MaxConcurrentReplies < 1 || QueueCapacity < 1 ? "Agent:MaxConcurrentReplies and QueueCapacity must be positive"
        : null;
}
