using System.Data.Common;
using Parley.Server.Api;
using Parley.Server.Data;

namespace Parley.Server.Events;

/// <summary>
/// The unit of work of every change that clients hear about: runs the work in one transaction with an
/// <see cref="EventBatch"/> to append its events to, commits, then publishes those events on the bus, so an
/// event goes out exactly when its change is committed.
/// </summary>
public sealed class EventScope(Db db, IEventBus bus)
{
    public Db Db => db;

    /// <summary>A failed outcome rolls back everything the work did and publishes nothing.</summary>
    public async Task<Outcome<T>> TryWriteAsync<T>(Func<EventBatch, Task<Outcome<T>>> work, CancellationToken ct = default)
    {
        var batch = new Batch<Outcome<T>>(work);
        var result = await db.TryWriteAsync(batch.RunAsync, ct);
        if (result.Ok && batch.Count > 0) await bus.PublishAsync(batch, ct);
        return result;
    }

    /// <summary>Committed when the work returns, rolled back (nothing published) when it throws.</summary>
    public async Task<T> WriteAsync<T>(Func<EventBatch, Task<T>> work, CancellationToken ct = default)
    {
        var batch = new Batch<T>(work);
        var result = await db.WriteAsync(batch.RunAsync, ct);
        if (batch.Count > 0) await bus.PublishAsync(batch, ct);
        return result;
    }

    private sealed class Batch<T>(Func<EventBatch, Task<T>> work) : EventBatch
    {
        public Task<T> RunAsync(DbConnection connection, DbTransaction transaction)
        {
            Begin(connection, transaction);
            return work(this);
        }
    }
}
