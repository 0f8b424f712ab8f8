using System.Text.Json;
using System.Text.Json.Nodes;

namespace Parley.Server.Api;

/// <summary>Answers one client request; the outcome becomes the ack (<c>ok:true</c> with data, or <c>ok:false</c> with the error).</summary>
public delegate ValueTask<Outcome<object?>> GatewayHandler(GatewayCall call, CancellationToken ct);

/// <summary>The request types the WebSocket gateway answers, by name. Features add theirs (next to their service) with <see cref="GatewayRequests.AddGatewayRequest"/>.</summary>
public sealed class GatewayRequestTable
{
    private readonly Dictionary<string, GatewayHandler> _handlers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Type> _payloads = new(StringComparer.Ordinal);

    /// <param name="payload">The type the request's data is read as (the AsyncAPI document describes it); null: none documented.</param>
    public GatewayRequestTable Map(string type, GatewayHandler handler, Type? payload = null)
    {
        _handlers[type] = handler;
        if (payload is not null) _payloads[type] = payload;
        else _payloads.Remove(type);
        return this;
    }

    /// <summary>The type of a request's data, when its feature named one.</summary>
    public Type? PayloadOf(string type) => _payloads.GetValueOrDefault(type);

    public bool TryGet(string type, out GatewayHandler handler) => _handlers.TryGetValue(type, out handler!);

    public IReadOnlyCollection<string> Types => _handlers.Keys;
}

public static class GatewayRequests
{
    /// <summary>The hook for a feature's socket requests: one line per request type, e.g.
    /// <c>services.AddGatewayRequest(MessagesGateway.Send, SendAsync)</c>.</summary>
    public static IServiceCollection AddGatewayRequest(this IServiceCollection services, string type, GatewayHandler handler) =>
        services.Configure<GatewayRequestTable>(table => table.Map(type, handler));

    /// <summary>As above, naming the type the handler reads its data as (<see cref="GatewayCall.Bind{T}"/>), for the AsyncAPI document.</summary>
    public static IServiceCollection AddGatewayRequest<TPayload>(this IServiceCollection services, string type, GatewayHandler handler) =>
        services.Configure<GatewayRequestTable>(table => table.Map(type, handler, typeof(TPayload)));

    /// <summary>A service outcome as an ack outcome.</summary>
    public static Outcome<object?> Boxed<T>(this Outcome<T> outcome) => outcome.Ok ? outcome.Value : outcome.Error!;
}

/// <summary>The first frame of a gateway socket opened without a token; on an authenticated socket it is refused.</summary>
public sealed record AuthRequest(string? Token);

/// <summary>The socket a request came in on, as the feature answering it sees it.</summary>
public interface IGatewaySocket
{
    string Id { get; }
    string UserId { get; }
}

/// <summary>One request being answered: who asked, on which socket, and its data (valid only during the call).</summary>
public sealed class GatewayCall(IGatewaySocket socket, string type, JsonElement data, IServiceProvider services)
{
    private Action? _afterAck;

    public string UserId => socket.UserId;
    public IGatewaySocket Socket => socket;
    public string Type => type;
    public JsonElement Data => data;
    public IServiceProvider Services => services;

    public T Get<T>() where T : notnull => services.GetRequiredService<T>();

    /// <summary>The data read like a REST body (<see cref="Body{T}"/>: snake_case accepted, wrong types are a 400 naming the field).</summary>
    public Outcome<T> Bind<T>() where T : class
    {
        if (data.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null) return Body<T>.Read(new JsonObject(), JsonSetup.Default);
        if (data.ValueKind != JsonValueKind.Object) return Failure.BadRequest("data must be a JSON object");
        return Body<T>.Read(JsonObject.Create(data)!, JsonSetup.Default);
    }

    /// <summary>Runs after the ack is queued, whatever the outcome (resume releases held live events here).</summary>
    public void AfterAck(Action action) => _afterAck += action;

    internal void Acked() => _afterAck?.Invoke();
}
