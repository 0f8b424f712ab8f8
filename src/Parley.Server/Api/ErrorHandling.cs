using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;

namespace Parley.Server.Api;

/// <summary>Every failure the framework produces (bad JSON, 404/405 routes, 413, crashes) leaves in the envelope.</summary>
public static class ErrorHandling
{
    public static IApplicationBuilder UseParleyErrors(this IApplicationBuilder app)
    {
        app.UseExceptionHandler(handler => handler.Run(async context =>
        {
            var error = context.Features.Get<IExceptionHandlerFeature>()?.Error;
            if (error is BodyFieldException field)
            {
                await ApiError.WriteAsync(context, 400, "validation_failed", $"Validation failed: {field.Field}",
                    new Dictionary<string, string[]> { [field.Field] = [field.Problem] });
                return;
            }
            var (status, message) = error switch
            {
                BadHttpRequestException bad => (bad.StatusCode, bad.StatusCode == 413 ? "Request body too large" : bad.Message),
                JsonException json => (400, $"Malformed JSON: {json.Message}"),
                OperationCanceledException when context.RequestAborted.IsCancellationRequested => (499, "Request aborted"),
                _ => (500, "Internal server error"),
            };
            if (status == 500)
                context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("Parley.Errors")
                    .LogError(error, "Unhandled error on {Method} {Path}", context.Request.Method, context.Request.Path);
            await ApiError.WriteAsync(context, status, ApiError.CodeFor(status), message);
        }));

        app.UseStatusCodePages(async status =>
        {
            var context = status.HttpContext;
            var code = context.Response.StatusCode;
            var message = code switch
            {
                404 => $"No route for {context.Request.Method} {context.Request.Path}",
                405 => $"Method {context.Request.Method} is not allowed on {context.Request.Path}",
                415 => "Content-Type must be application/json",
                _ => ReasonPhrase(code),
            };
            await ApiError.WriteAsync(context, code, ApiError.CodeFor(code), message);
        });
        return app;
    }

    private static string ReasonPhrase(int code) =>
        Microsoft.AspNetCore.WebUtilities.ReasonPhrases.GetReasonPhrase(code) is { Length: > 0 } phrase ? phrase : "Error";
}
