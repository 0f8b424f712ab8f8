using System.Security.Claims;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Options;
using Parley.Server.Api;
using Parley.Server.Events;

namespace Parley.Server.Realtime;

public sealed record SyncEvent(string Type, long Cursor, [property: JsonConverter(typeof(RawJsonConverter))] ReadOnlyMemory<byte> Data);

/// <summary>A page of missed events; with Gap the client refetches state over REST and continues from Cursor.</summary>
public sealed record SyncPage(IReadOnlyList<SyncEvent> Events, long Cursor, bool HasMore, bool Gap, string? Message)
{
    public const string GapMessage = "Events before this cursor have expired: refetch conversations and messages, then resume from cursor";

    public static SyncPage From(ReplayPage page) =>
        new([.. page.Events.Select(e => new SyncEvent(e.Type, e.Cursor, e.Data))], page.Cursor, page.HasMore, page.Gap, page.Gap ? GapMessage : null);
}

public static class RealtimeApi
{
    public const int MaxSyncLimit = 1000;

    /// <summary>The sockets: <c>GET /ws</c> and <c>GET /ws/{userId}</c> authenticate themselves (see <see cref="Gateway"/>).</summary>
    public static WebApplication MapGateway(this WebApplication app)
    {
        var gateway = app.Services.GetRequiredService<IOptions<GatewayOptions>>().Value;
        app.UseWebSockets(new WebSocketOptions { KeepAliveInterval = gateway.KeepAliveInterval, KeepAliveTimeout = gateway.KeepAliveTimeout });
        app.MapGet("/ws", (HttpContext http, Gateway g) => g.AcceptAsync(http, null)).AllowAnonymous().ExcludeFromDescription();
        app.MapGet("/ws/{userId}", (string userId, HttpContext http, Gateway g) => g.AcceptAsync(http, userId)).AllowAnonymous().ExcludeFromDescription();
        return app;
    }

    public static RouteGroupBuilder MapRealtime(this RouteGroupBuilder api)
    {
        api.MapGet("/sync", Sync).WithTags("Realtime");
        return api;
    }

    private static async Task<IResult> Sync(HttpContext http, ClaimsPrincipal user, EventReplay replay, IOptions<GatewayOptions> options, CancellationToken ct)
    {
        var query = http.Request.Query;
        var v = new Validator();
        var since = ReadNumber(v, query["since"], "since", 0, 0, long.MaxValue);
        var limit = ReadNumber(v, query["limit"], "limit", options.Value.ResumeBatch, 1, MaxSyncLimit);
        if (v.Failed) return v.Result();
        var page = await replay.SinceAsync(user.Id(), since, (int)limit, ct);
        return Ok.With(SyncPage.From(page), page.Gap ? "Gap: refetch state" : "Events retrieved successfully");
    }

    public static long ReadNumber(Validator v, string? raw, string field, long fallback, long min, long max)
    {
        if (string.IsNullOrEmpty(raw)) return fallback;
        var ok = long.TryParse(raw, out var value) && value >= min && value <= max;
        v.Check(ok, field, $"Must be a whole number from {min} to {max}");
        return ok ? value : fallback;
    }
}
