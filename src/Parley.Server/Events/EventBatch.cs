using System.Collections;
using System.Data.Common;

namespace Parley.Server.Events;

/// <summary>
/// One change in progress: the transaction it runs in and the events it raises there. Code inside the
/// transaction appends its events here (<see cref="AppendAsync{T}"/>); <see cref="EventScope"/> publishes them
/// once the transaction committed. Most changes raise one event, which is kept without a list.
/// </summary>
public abstract class EventBatch : IReadOnlyList<ChatEvent>
{
    private ChatEvent? _first;
    private List<ChatEvent>? _rest;

    public DbConnection Connection { get; private set; } = null!;
    public DbTransaction Transaction { get; private set; } = null!;

    private protected void Begin(DbConnection connection, DbTransaction transaction)
    {
        (Connection, Transaction) = (connection, transaction);
        (_first, _rest) = (null, null);
    }

    /// <summary>Stores the event in the log inside this transaction; it is published after commit.</summary>
    public async Task AppendAsync<T>(string type, string? conversationId, string? userId, T data)
    {
        var e = await EventLog.AppendAsync(Connection, Transaction, type, conversationId, userId, data);
        if (_first is null) _first = e;
        else (_rest ??= []).Add(e);
    }

    public int Count => _first is null ? 0 : 1 + (_rest?.Count ?? 0);

    public ChatEvent this[int index] => index == 0 && _first is not null ? _first : _rest![index - 1];

    public IEnumerator<ChatEvent> GetEnumerator()
    {
        if (_first is null) yield break;
        yield return _first;
        if (_rest is null) yield break;
        foreach (var e in _rest) yield return e;
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
