using System.Text.Json;

namespace Parley.Server.Api;

/// <summary>Writes a <see cref="Failure"/> (the one error vocabulary) as the error envelope; also for middleware outside endpoints.</summary>
public static class ApiError
{
    public static IResult Result(int status, string code, string message, object? details = null) =>
        TypedResults.Json(Body(status, code, message, details), statusCode: status);

    public static ErrorEnvelope Body(int status, string code, string message, object? details = null) =>
        new(false, status, message, new ErrorBody(code, message, status, details));

    public static IResult Validation(IReadOnlyDictionary<string, string[]> fields) =>
        Result(400, "validation_failed", "Validation failed: " + string.Join(", ", fields.Keys), fields);

    /// <summary>For middleware that writes outside an endpoint (status pages, exception handler, auth).</summary>
    public static Task WriteAsync(HttpContext context, int status, string code, string message, object? details = null)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json; charset=utf-8";
        var options = context.RequestServices.GetRequiredService<Microsoft.Extensions.Options.IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions>>().Value.SerializerOptions;
        return JsonSerializer.SerializeAsync(context.Response.Body, Body(status, code, message, details), options, context.RequestAborted);
    }

    public static string CodeFor(int status) => status switch
    {
        400 => "bad_request",
        401 => "unauthorized",
        403 => "forbidden",
        404 => "not_found",
        405 => "method_not_allowed",
        408 => "timeout",
        409 => "conflict",
        413 => "payload_too_large",
        415 => "unsupported_media_type",
        429 => "rate_limited",
        >= 500 => "internal_error",
        _ => "error",
    };
}
