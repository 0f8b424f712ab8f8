namespace Parley.Server.Agents;

/// <summary>What the agent says when it does not answer from the model. Fixed texts: it never invents an answer.</summary>
public static class AgentTexts
{
    public const string NotConfigured =
        "The AI assistant is not configured on this server, so it cannot answer. An administrator can enable it by setting " +
        "Agent__Endpoint (an OpenAI-compatible base URL), Agent__Model and Agent__ApiKey.";

    public const string Stopped = "(stopped)";
    public const string Empty = "(The assistant returned an empty answer.)";
    public const string Busy = "The assistant is busy with other questions right now. Please ask again in a moment.";
    public const string Interrupted = "(The answer was interrupted because the server restarted or shut down.)";

    public static string RateLimited(int perMinute, TimeSpan retryAfter) =>
        $"You have asked the assistant more than {perMinute} times in a minute. Please wait {Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds))} s and ask again.";

    public static string BudgetExhausted(long budget) =>
        $"You have used today's assistant budget ({budget:N0} tokens). It resets at midnight UTC.";

    public static string Timeout(TimeSpan limit) =>
        $"The assistant could not answer: no complete answer within {limit.TotalSeconds:0.#} s (timeout).";

    public static string ProviderError(int status) =>
        $"The assistant could not answer: provider error {status} ({Reason(status)}).";

    public const string Unreachable = "The assistant could not answer: the AI provider could not be reached.";
    public const string ConnectionLost = "The assistant could not finish: the connection to the AI provider was lost.";
    public const string Failed = "The assistant could not answer because of an unexpected error.";

    /// <summary>The partial answer, if any, then the note on a line of its own.</summary>
    public static string WithNote(string partial, string note) => partial.Length == 0 ? note : $"{partial.TrimEnd()}\n\n{note}";

    private static string Reason(int status) => status switch
    {
        400 => "the request was rejected",
        401 or 403 => "the server's API key was refused",
        404 => "model or endpoint not found",
        408 => "the provider timed out",
        413 => "the conversation is too long for the model",
        429 => "the provider is rate limiting this server",
        >= 500 => "the provider failed",
        _ => "unexpected answer",
    };
}
