using System.Data.Common;
using System.Threading.Channels;
using Microsoft.Data.Sqlite;

namespace Parley.Server.Data;

/// <summary>
/// SQLite's single writer as a queue: one long-lived connection drains pending writes in batches, runs each in
/// its own SAVEPOINT (so one failing write rolls back alone) and commits the batch once. Under load, many
/// sends share one commit, which is what lets the embedded default take thousands of messages a second.
/// </summary>
public sealed class SqliteWriter : IAsyncDisposable
{
    private const int MaxBatch = 256;
    private readonly Channel<WriteJob> _queue = Channel.CreateBounded<WriteJob>(new BoundedChannelOptions(8_192) { SingleReader = true });
    private readonly Func<CancellationToken, Task<DbConnection>> _open;
    private readonly Task _loop;

    private readonly string _connectionString;

    public SqliteWriter(string connectionString, Func<CancellationToken, Task<DbConnection>> open)
    {
        _connectionString = connectionString;
        _open = open;
        _loop = Task.Run(RunAsync);
    }

    public async Task<T> WriteAsync<T>(Func<DbConnection, DbTransaction, Task<T>> work, Func<T, bool> commit, CancellationToken ct)
    {
        var job = new WriteJob<T>(work, commit);
        await _queue.Writer.WriteAsync(job, ct);
        return await job.Completion;
    }

    private async Task RunAsync()
    {
        var batch = new List<WriteJob>(MaxBatch);
        DbConnection? connection = null;
        while (await _queue.Reader.WaitToReadAsync())
        {
            while (batch.Count < MaxBatch && _queue.Reader.TryRead(out var job)) batch.Add(job);
            try
            {
                connection ??= await _open(CancellationToken.None);
                await using var tx = await connection.BeginTransactionAsync();
                foreach (var job in batch)
                {
                    await ExecuteAsync(connection, tx, "SAVEPOINT w");
                    var keep = await job.RunAsync(connection, tx);
                    await ExecuteAsync(connection, tx, keep ? "RELEASE w" : "ROLLBACK TO w; RELEASE w");
                }
                await tx.CommitAsync();
                foreach (var job in batch) job.Complete();
            }
            catch (Exception e)
            {
                // The batch did not commit: nothing in it happened, so every job fails; the connection starts afresh.
                foreach (var job in batch) job.Fail(e);
                if (connection is not null) await connection.DisposeAsync();
                connection = null;
            }
            batch.Clear();
        }
        if (connection is not null) await connection.DisposeAsync();
    }

    private static async Task ExecuteAsync(DbConnection connection, DbTransaction tx, string sql)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = tx;
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _loop;
        // Only this database's pool: other servers in the same process (test classes) keep theirs, and their WAL files.
        using var connection = new SqliteConnection(_connectionString);
        SqliteConnection.ClearPool(connection);
    }

    private abstract class WriteJob
    {
        /// <summary>Runs the work; false when its changes must be rolled back (a failed outcome or an exception).</summary>
        public abstract Task<bool> RunAsync(DbConnection connection, DbTransaction tx);
        public abstract void Complete();
        public abstract void Fail(Exception e);
    }

    private sealed class WriteJob<T>(Func<DbConnection, DbTransaction, Task<T>> work, Func<T, bool> commit) : WriteJob
    {
        private readonly TaskCompletionSource<T> _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private T? _result;
        private Exception? _error;

        public Task<T> Completion => _done.Task;

        public override async Task<bool> RunAsync(DbConnection connection, DbTransaction tx)
        {
            try
            {
                _result = await work(connection, tx);
                return commit(_result);
            }
            catch (Exception e)
            {
                _error = e;
                return false;
            }
        }

        public override void Complete()
        {
            if (_error is not null) _done.TrySetException(_error);
            else _done.TrySetResult(_result!);
        }

        public override void Fail(Exception e) => _done.TrySetException(e);
    }
}
