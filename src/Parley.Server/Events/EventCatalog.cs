namespace Parley.Server.Events;

/// <summary>One event clients can receive: its type name, the CLR type its payload is serialised from, and what it means.</summary>
public sealed record EventTypeInfo(string Type, Type Payload, string Summary);

/// <summary>
/// Every event a socket can receive, by type name, with its payload type. Each feature adds its own next to its event
/// names (<see cref="EventCatalogs.AddEventType{T}"/>); the gateway's AsyncAPI document is built from it.
/// </summary>
public sealed class EventCatalog
{
    private readonly Dictionary<string, EventTypeInfo> _types = new(StringComparer.Ordinal);

    public EventCatalog Add(string type, Type payload, string summary)
    {
        if (type.StartsWith(ChatEvent.InternalPrefix, StringComparison.Ordinal)) throw new ArgumentException("Internal events reach no socket", nameof(type));
        _types[type] = new EventTypeInfo(type, payload, summary);
        return this;
    }

    public IReadOnlyCollection<EventTypeInfo> Types => _types.Values;

    public bool Contains(string type) => _types.ContainsKey(type);
}

public static class EventCatalogs
{
    /// <summary>One line per event a feature raises, e.g. <c>services.AddEventType&lt;MessageEvent&gt;(MessageEventTypes.MessageNew, "…")</c>.</summary>
    public static IServiceCollection AddEventType<T>(this IServiceCollection services, string type, string summary) =>
        services.Configure<EventCatalog>(catalog => catalog.Add(type, typeof(T), summary));
}
