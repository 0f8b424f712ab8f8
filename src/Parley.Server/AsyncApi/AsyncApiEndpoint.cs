using System.Text.Json;
using Microsoft.Extensions.Options;
using Parley.Server.Api;
using Parley.Server.Events;

namespace Parley.Server.AsyncApi;

/// <summary><c>GET /asyncapi.json</c>: the gateway's AsyncAPI document, built on the first request and kept.</summary>
public static class AsyncApiEndpoint
{
    public const string Path = "/asyncapi.json";

    public static IServiceCollection AddAsyncApi(this IServiceCollection services) => services.AddSingleton<AsyncApiCache>();

    public static IEndpointRouteBuilder MapAsyncApi(this IEndpointRouteBuilder app)
    {
        app.MapGet(Path, (AsyncApiCache cache) => Results.Bytes(cache.Json, "application/json")).AllowAnonymous().ExcludeFromDescription();
        return app;
    }

    /// <summary>The registries are complete once the host is built, so one build serves every request.</summary>
    public sealed class AsyncApiCache(IOptions<GatewayRequestTable> requests, IOptions<EventCatalog> events)
    {
        private readonly Lazy<byte[]> _json = new(() =>
            JsonSerializer.SerializeToUtf8Bytes(AsyncApiDocument.Build(requests.Value, events.Value), new JsonSerializerOptions { WriteIndented = true }));

        public byte[] Json => _json.Value;
    }
}
