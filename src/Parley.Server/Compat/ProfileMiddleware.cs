using System.Text.Json;

namespace Parley.Server.Compat;

/// <summary>
/// Puts every <c>/api</c> answer in the request's profile: the <c>Parley-Profile</c> header, else <c>Compat__Profile</c>.
/// Under <c>parley</c> the request passes straight through (one header lookup, no buffering); under another profile the
/// answer is buffered and rewritten once complete (errors written by the error pages included, so this runs first).
/// </summary>
public sealed class ProfileMiddleware(RequestDelegate next, CompatSettings settings)
{
    public Task InvokeAsync(HttpContext context)
    {
        var profile = settings.Default;
        if (context.Request.Headers.TryGetValue(Profiles.Header, out var requested) && !Profiles.TryParse(requested, out profile))
            return Profiles.Unknown(requested).ToResult().ExecuteAsync(context);
        if (profile == CompatProfile.Parley || !context.Request.Path.StartsWithSegments("/api")) return next(context);
        return ShapeAsync(context, profile);
    }

    private async Task ShapeAsync(HttpContext context, CompatProfile profile)
    {
        var rule = RouteRules.Apply(context.Request, profile);
        var response = context.Response;
        var original = response.Body;
        using var buffer = new MemoryStream();
        response.Body = buffer;
        try
        {
            await next(context);
        }
        finally
        {
            response.Body = original;
        }
        var body = buffer.GetBuffer().AsMemory(0, (int)buffer.Length);
        if (body.Length > 0 && response.ContentType?.StartsWith("application/json", StringComparison.OrdinalIgnoreCase) == true)
        {
            try
            {
                (var shaped, response.StatusCode) = ResponseShaper.Shape(body, profile, rule, response.StatusCode);
                body = shaped;
            }
            catch (JsonException)
            {
                // Not JSON after all: the answer goes out as it was written.
            }
        }
        response.ContentLength = body.Length;
        await original.WriteAsync(body, context.RequestAborted);
    }
}

public static class ProfileMiddlewareSetup
{
    /// <summary>First in the pipeline, with routing right after it: a profile may send a request to another route.</summary>
    public static WebApplication UseCompatProfiles(this WebApplication app)
    {
        app.UseMiddleware<ProfileMiddleware>();
        app.UseRouting();
        return app;
    }
}
