using System.Collections.Concurrent;
using System.Data.Common;
using Microsoft.Data.Sqlite;
using Parley.Server.Monitoring;

namespace Parley.Server.Data;

/// <summary>
/// SQLite's single writer as a queue: one long-lived connection runs pending writes in batches, each in its
/// own SAVEPOINT (so one failing write rolls back alone), and commits a batch once. Under load, many sends
/// share one commit, which is what lets the embedded default take thousands of messages a second.
/// Whoever finds the writer idle runs the batch on its own thread (no hand-off to wake a writer thread);
/// writes that arrive meanwhile wait for it, and a backlog left when its own write is done drains in the background.
/// </summary>
public sealed class SqliteWriter : IAsyncDisposable
{
    private const int MaxBatch = 256;
    private readonly ConcurrentQueue<WriteJob> _pending = new();
    private readonly List<WriteJob> _batch = new(MaxBatch);
    private readonly Func<CancellationToken, Task<DbConnection>> _open;
    private readonly string _connectionString;
    private readonly SqliteBatchStep[] _steps;
    private readonly TaskCompletionSource _idle = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ServerMetrics _metrics;
    private readonly SqliteCheckpointer _checkpointer;
    private DbConnection? _connection;
    private int _running;
    private volatile bool _disposed;

    public SqliteWriter(string connectionString, Func<CancellationToken, Task<DbConnection>> open, ServerMetrics metrics,
        IEnumerable<SqliteBatchStep>? steps = null)
    {
        _connectionString = connectionString;
        _open = open;
        _metrics = metrics;
        _steps = [.. steps ?? []];
        _checkpointer = new SqliteCheckpointer(open);
    }

    public async Task<T> WriteAsync<T>(Func<DbConnection, DbTransaction, Task<T>> work, Func<T, bool> commit, CancellationToken ct)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ct.ThrowIfCancellationRequested();
        var job = new WriteJob<T>(work, commit);
        _pending.Enqueue(job);
        if (TryEnter())
        {
            try
            {
                while (!job.Completion.IsCompleted && !_pending.IsEmpty) await RunBatchAsync();
            }
            finally
            {
                Leave();
            }
        }
        return await job.Completion;
    }

    private bool TryEnter() => Interlocked.CompareExchange(ref _running, 1, 0) == 0;

    /// <summary>Lets go of the writer; writes that queued up meanwhile (their callers found it busy) drain in the background.</summary>
    private void Leave()
    {
        Volatile.Write(ref _running, 0);
        if (!_pending.IsEmpty) _ = Task.Run(DrainAsync);
        else if (_disposed) _idle.TrySetResult();
    }

    private async Task DrainAsync()
    {
        if (!TryEnter()) return;
        try
        {
            while (!_pending.IsEmpty) await RunBatchAsync();
        }
        finally
        {
            Leave();
        }
    }

    private async Task RunBatchAsync()
    {
        while (_batch.Count < MaxBatch && _pending.TryDequeue(out var job)) _batch.Add(job);
        try
        {
            _connection ??= await OpenAsync();
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            await using var tx = await _connection.BeginTransactionAsync();
            foreach (var job in _batch)
            {
                await ExecuteAsync(_connection, tx, "SAVEPOINT w");
                var keep = await job.RunAsync(_connection, tx);
                await ExecuteAsync(_connection, tx, keep ? "RELEASE w" : "ROLLBACK TO w; RELEASE w");
            }
            foreach (var step in _steps) await ExecuteAsync(_connection, tx, step.BeforeCommitSql);
            await tx.CommitAsync();
            _metrics.TransactionDuration.Observe(ServerMetrics.SecondsSince(started));
            _metrics.TransactionBatchSize.Observe(_batch.Count);
            foreach (var job in _batch) job.Complete();
            _checkpointer.Nudge();
        }
        catch (Exception e)
        {
            // The batch did not commit: nothing in it happened, so every job fails; the connection starts afresh.
            foreach (var job in _batch) job.Fail(e);
            if (_connection is not null) await CloseAsync(_connection);
            _connection = null;
        }
        finally
        {
            _batch.Clear();
        }
    }

    /// <summary>The writer's connection keeps its statements prepared: every send runs the same few.</summary>
    private async Task<DbConnection> OpenAsync()
    {
        var connection = await _open(CancellationToken.None);
        PreparedStatements.Keep(connection);
        await using (var pragmas = connection.CreateCommand())
        {
            pragmas.CommandText = SqliteCheckpointer.WriterPragmas;
            await pragmas.ExecuteNonQueryAsync();
        }
        foreach (var step in _steps)
        {
            await using var setup = connection.CreateCommand();
            setup.CommandText = step.SetupSql;
            await setup.ExecuteNonQueryAsync();
        }
        return connection;
    }

    private static ValueTask CloseAsync(DbConnection connection)
    {
        PreparedStatements.Release(connection);
        return connection.DisposeAsync();
    }

    private static async Task ExecuteAsync(DbConnection connection, DbTransaction tx, string sql)
    {
        await using var statement = Statement.Of(connection, tx, sql);
        await statement.ExecuteAsync();
    }

    public async ValueTask DisposeAsync()
    {
        _disposed = true;
        // Writes already queued still run: wait for whoever runs them to let go, then keep the writer for good.
        if (Volatile.Read(ref _running) == 1 || !_pending.IsEmpty)
            await _idle.Task.WaitAsync(TimeSpan.FromSeconds(30)).ContinueWith(_ => { }, TaskScheduler.Default);
        while (!TryEnter()) await Task.Delay(10);
        while (_pending.TryDequeue(out var late)) late.Fail(new ObjectDisposedException(nameof(SqliteWriter)));
        if (_connection is not null) await CloseAsync(_connection);
        _connection = null;
        await _checkpointer.DisposeAsync();
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
