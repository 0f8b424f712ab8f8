using Microsoft.AspNetCore.Http.Features;

namespace Parley.Server.Api;

/// <summary>
/// Checks on the request itself, ahead of any route logic: no dot segments in the path as sent (Kestrel would fold
/// <c>/members/%2e%2e</c> into the parent route), path ids that are UUIDs, query values that are text.
/// </summary>
public static class RequestGuards
{
    /// <summary>Ahead of routing: a raw target with a "." or ".." segment, plain or percent-encoded, is a 400.</summary>
    public static IApplicationBuilder UseDotSegmentGuard(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        var raw = context.Features.Get<IHttpRequestFeature>()?.RawTarget ?? "";
        if (HasDotSegment(raw))
        {
            await ApiError.WriteAsync(context, 400, "bad_request", "The path must not contain '.' or '..' segments (plain or percent-encoded)");
            return;
        }
        await next(context);
    });

    internal static bool HasDotSegment(string target)
    {
        var end = target.IndexOfAny(['?', '#']);
        var path = end < 0 ? target.AsSpan() : target.AsSpan(0, end);
        foreach (var range in path.Split('/'))
        {
            var segment = path[range];
            if (segment.Length is 0 or > 6) continue;
            var dots = 0;
            var rest = segment;
            while (rest.Length > 0)
            {
                if (rest[0] == '.') rest = rest[1..];
                else if (rest.Length >= 3 && rest[..3].Equals("%2e", StringComparison.OrdinalIgnoreCase)) rest = rest[3..];
                else break;
                dots++;
            }
            if (rest.Length == 0 && dots is 1 or 2) return true;
        }
        return false;
    }

    /// <summary>
    /// For every API endpoint: route values named <c>id</c> or <c>…Id</c> must be UUIDs (<c>me</c> stands for the caller
    /// where a route accepts it), and no query value may hold NUL. Answered as a 400 naming the parameter.
    /// </summary>
    public static TBuilder ValidateRequestInput<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter(async (context, next) =>
        {
            var request = context.HttpContext.Request;
            foreach (var (name, value) in request.RouteValues)
            {
                if (!IsIdName(name) || value is not string text || text == "me" || Guid.TryParseExact(text, "D", out _)) continue;
                return Validator.Single(name, "Must be an id (a UUID such as 0192f1e4-7c3a-7d2e-9a4b-2f6c8e1d5a30)");
            }
            foreach (var (name, values) in request.Query)
            {
                if (values.Any(v => v is not null && v.Contains('\0')))
                    return Validator.Single(name, "Must not contain the NUL character (U+0000)");
            }
            return await next(context);
        });

    private static bool IsIdName(string name) =>
        name.Equals("id", StringComparison.OrdinalIgnoreCase) || name.EndsWith("Id", StringComparison.Ordinal);
}
