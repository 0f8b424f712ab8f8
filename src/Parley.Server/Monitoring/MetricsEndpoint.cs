using System.Net;
using Parley.Server.Api;

namespace Parley.Server.Monitoring;

/// <summary>
/// Who may scrape <c>/metrics</c>: <c>Metrics:Allow</c> is <c>off</c> (the default: 404), <c>any</c>, or a comma-separated
/// list of addresses and networks (<c>127.0.0.1, ::1, 10.0.0.0/8</c>) matched against the connecting peer, never a
/// forwarded header (a client could write that one itself).
/// </summary>
public sealed class MetricsAccess
{
    private readonly IPNetwork[] _allowed;

    public MetricsAccess(IConfiguration configuration)
    {
        var allow = configuration["Metrics:Allow"]?.Trim() ?? "off";
        Enabled = allow.Length > 0 && !allow.Equals("off", StringComparison.OrdinalIgnoreCase);
        AllowsAny = allow.Equals("any", StringComparison.OrdinalIgnoreCase);
        _allowed = Enabled && !AllowsAny
            ? [.. allow.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(Network)]
            : [];
    }

    public bool Enabled { get; }
    public bool AllowsAny { get; }

    public bool Allows(IPAddress? peer)
    {
        if (AllowsAny) return true;
        if (peer is null) return false;
        if (peer.IsIPv4MappedToIPv6) peer = peer.MapToIPv4();
        foreach (var network in _allowed)
            if (network.Contains(peer)) return true;
        return false;
    }

    private static IPNetwork Network(string entry)
    {
        if (IPNetwork.TryParse(entry, out var network)) return network;
        if (IPAddress.TryParse(entry, out var address)) return new IPNetwork(address, address.GetAddressBytes().Length * 8);
        throw new InvalidOperationException($"Metrics:Allow: '{entry}' is neither an address nor a network (use off, any, or e.g. 127.0.0.1, 10.0.0.0/8)");
    }
}

public static class MetricsEndpoint
{
    public static IServiceCollection AddServerMetrics(this IServiceCollection services) =>
        services.AddSingleton<ServerMetrics>().AddSingleton<MetricsAccess>();

    /// <summary><c>GET /metrics</c> in the Prometheus text format, for the addresses <see cref="MetricsAccess"/> allows.</summary>
    public static IEndpointRouteBuilder MapMetrics(this IEndpointRouteBuilder app)
    {
        app.MapGet("/metrics", async (HttpContext context, MetricsAccess access, ServerMetrics metrics) =>
        {
            if (!access.Enabled)
            {
                await ApiError.WriteAsync(context, 404, "not_found", "Metrics are off on this server (set Metrics__Allow)");
                return;
            }
            if (!access.Allows(context.Connection.RemoteIpAddress))
            {
                await ApiError.WriteAsync(context, 403, "forbidden", "Metrics are not served to this address");
                return;
            }
            context.Response.ContentType = "text/plain; version=0.0.4; charset=utf-8";
            await metrics.Registry.CollectAndExportAsTextAsync(context.Response.Body, context.RequestAborted);
        }).AllowAnonymous().ExcludeFromDescription();
        return app;
    }

    /// <summary>Times every HTTP request by its route template (not its path, so ids do not multiply the series).</summary>
    public static IApplicationBuilder UseHttpMetrics(this IApplicationBuilder app)
    {
        var duration = app.ApplicationServices.GetRequiredService<ServerMetrics>().HttpDuration;
        return app.Use(async (context, next) =>
        {
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            try
            {
                await next(context);
            }
            finally
            {
                var route = (context.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText ?? "unmatched";
                duration.WithLabels(route, KnownMethod(context.Request.Method), StatusClass(context.Response.StatusCode))
                    .Observe(ServerMetrics.SecondsSince(started));
            }
        });
    }

    /// <summary>Any other method is "other": a client must not be able to mint new series.</summary>
    private static string KnownMethod(string method) => HttpMethods.IsGet(method) ? "GET" : HttpMethods.IsPost(method) ? "POST"
        : HttpMethods.IsPut(method) ? "PUT" : HttpMethods.IsPatch(method) ? "PATCH" : HttpMethods.IsDelete(method) ? "DELETE"
        : HttpMethods.IsHead(method) ? "HEAD" : HttpMethods.IsOptions(method) ? "OPTIONS" : "other";

    private static string StatusClass(int status) => status switch
    {
        < 200 => "1xx",
        < 300 => "2xx",
        < 400 => "3xx",
        < 500 => "4xx",
        _ => "5xx",
    };
}
