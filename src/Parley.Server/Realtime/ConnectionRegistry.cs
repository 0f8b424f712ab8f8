using System.Collections.Concurrent;
using System.Collections.Immutable;
using Parley.Server.Events;

namespace Parley.Server.Realtime;

/// <summary>This node's live sockets by user (several per user: one per device).</summary>
public sealed class ConnectionRegistry : ISocketDirectory
{
    private readonly ConcurrentDictionary<string, ImmutableArray<IRealtimeConnection>> _byUser = new(StringComparer.Ordinal);

    public int Count => _byUser.Values.Sum(c => c.Length);

    public void Add(IRealtimeConnection connection) =>
        _byUser.AddOrUpdate(connection.UserId, _ => [connection], (_, list) => list.Add(connection));

    public void Remove(IRealtimeConnection connection)
    {
        while (_byUser.TryGetValue(connection.UserId, out var list))
        {
            var rest = list.Remove(connection);
            if (rest.Length == list.Length) return;
            var done = rest.IsEmpty
                ? _byUser.TryRemove(new KeyValuePair<string, ImmutableArray<IRealtimeConnection>>(connection.UserId, list))
                : _byUser.TryUpdate(connection.UserId, rest, list);
            if (done) return;
        }
    }

    public ImmutableArray<IRealtimeConnection> Of(string userId) => _byUser.TryGetValue(userId, out var list) ? list : [];

    public bool IsConnected(string userId) => Of(userId).Any(c => !c.IsClosing);

    public IEnumerable<IRealtimeConnection> All() => _byUser.Values.SelectMany(c => c);
}
