namespace Parley.Server.Api;

/// <summary>An expected failure as a value: REST turns it into an error envelope, the gateway into an ack with ok:false.</summary>
public sealed record Failure(int Status, string Code, string Message, object? Details = null)
{
    /// <summary>Whole seconds to wait (a 429): the Retry-After header on REST; <c>details.retryAfter</c> on both REST and socket.</summary>
    public int? RetryAfter { get; init; }

    public IResult ToResult() => RetryAfter is { } seconds
        ? new RetryAfterResult(ApiError.Result(Status, Code, Message, Details), seconds)
        : ApiError.Result(Status, Code, Message, Details);
    public ErrorBody ToBody() => new(Code, Message, Status, Details);

    public static Failure BadRequest(string message, object? details = null) => new(400, "bad_request", message, details);
    public static Failure Invalid(string field, string message) =>
        new(400, "validation_failed", $"Validation failed: {field}", new Dictionary<string, string[]> { [field] = [message] });
    public static Failure Unauthorized(string message) => new(401, "unauthorized", message);
    public static Failure Forbidden(string message) => new(403, "forbidden", message);
    public static Failure NotFound(string message) => new(404, "not_found", message);
    public static Failure Conflict(string message) => new(409, "conflict", message);
    public static Failure TooLarge(string message) => new(413, "payload_too_large", message);
    public static Failure TooMany(string message) => new(429, "rate_limited", message);
    public static Failure TooMany(string message, TimeSpan wait)
    {
        var seconds = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));
        return new(429, "rate_limited", message, new RetryAfterDetails(seconds, (long)Math.Ceiling(wait.TotalMilliseconds))) { RetryAfter = seconds };
    }
    public static Failure Unavailable(string message) => new(503, "unavailable", message);

    public static readonly Failure ConversationNotFound = NotFound("Conversation not found");
    public static readonly Failure MessageNotFound = NotFound("Message not found");
    public static readonly Failure UserNotFound = NotFound("User not found");
}

/// <summary>A value or a <see cref="Failure"/>.</summary>
public readonly struct Outcome<T>
{
    private Outcome(T? value, Failure? failure) => (Value, Error) = (value, failure);

    public T? Value { get; }
    public Failure? Error { get; }
    public bool Ok => Error is null;

    public static implicit operator Outcome<T>(T value) => new(value, null);
    public static implicit operator Outcome<T>(Failure failure) => new(default, failure);

    public IResult ToResult(Func<T, IResult> onSuccess) => Error is null ? onSuccess(Value!) : Error.ToResult();
}

public sealed record RetryAfterDetails(int RetryAfter, long RetryAfterMs);

/// <summary>The error envelope with a Retry-After header.</summary>
internal sealed class RetryAfterResult(IResult inner, int seconds) : IResult
{
    public Task ExecuteAsync(HttpContext httpContext)
    {
        httpContext.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return inner.ExecuteAsync(httpContext);
    }
}
