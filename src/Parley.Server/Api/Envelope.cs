namespace Parley.Server.Api;

/// <summary>The one response shape of DESIGN.md, for successes.</summary>
public sealed record Envelope<T>(bool Success, int StatusCode, string Message, T? Data);

/// <summary>The one response shape of DESIGN.md, for errors (serves seed 001 and seed 004 clients).</summary>
public sealed record ErrorEnvelope(bool Success, int StatusCode, string Message, ErrorBody Error);

public sealed record ErrorBody(string Code, string Message, int Status, object? Details = null);

public static class Ok
{
    public static IResult With<T>(T data, string message = "OK") =>
        TypedResults.Json(new Envelope<T>(true, StatusCodes.Status200OK, message, data), statusCode: StatusCodes.Status200OK);

    public static IResult Created<T>(T data, string message = "Created") =>
        TypedResults.Json(new Envelope<T>(true, StatusCodes.Status201Created, message, data), statusCode: StatusCodes.Status201Created);
}
