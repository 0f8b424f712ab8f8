using System.Data.Common;

namespace Parley.Server.Data;

/// <summary>
/// Copies the WAL back into the database file on a connection of its own. SQLite's automatic checkpoint runs inside
/// the commit that crosses its threshold, so one batch of sends in every few dozen waited for a checkpoint (the copy
/// and, with synchronous=FULL, its fsync) before anyone's send was acknowledged. The writer turns that off
/// (<see cref="WriterPragmas"/>) and calls <see cref="Nudge"/> after each commit; a PASSIVE checkpoint here never
/// blocks the writer or readers, and runs at most once per <see cref="Interval"/>.
/// </summary>
public sealed class SqliteCheckpointer(Func<CancellationToken, Task<DbConnection>> open) : IAsyncDisposable
{
    /// <summary>On the writer's connection: no inline checkpoints; a WAL file grown under load is cut back when it restarts.</summary>
    public const string WriterPragmas = "PRAGMA wal_autocheckpoint = 0; PRAGMA journal_size_limit = 67108864;";

    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(100);

    private readonly SemaphoreSlim _nudged = new(0, 1);
    private readonly CancellationTokenSource _stop = new();
    private Task? _loop;
    private long _checkpoints;

    /// <summary>How many checkpoints have run (tests wait on it).</summary>
    public long Checkpoints => Interlocked.Read(ref _checkpoints);

    public void Nudge()
    {
        _loop ??= Task.Run(LoopAsync);
        if (_nudged.CurrentCount == 0)
        {
            try { _nudged.Release(); }
            catch (SemaphoreFullException) { } // another commit nudged it in between: one checkpoint covers both
        }
    }

    private async Task LoopAsync()
    {
        DbConnection? connection = null;
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                await _nudged.WaitAsync(_stop.Token);
                try
                {
                    connection ??= await open(_stop.Token);
                    await using var command = connection.CreateCommand();
                    command.CommandText = "PRAGMA wal_checkpoint(PASSIVE)";
                    await command.ExecuteNonQueryAsync(_stop.Token);
                    Interlocked.Increment(ref _checkpoints);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // A failed checkpoint loses nothing (the WAL keeps every commit); the next nudge tries afresh.
                    if (connection is not null) await connection.DisposeAsync();
                    connection = null;
                }
                await Task.Delay(Interval, _stop.Token);
            }
        }
        catch (OperationCanceledException) { }
        finally
        {
            if (connection is not null) await connection.DisposeAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_loop is not null) await _loop;
        _stop.Dispose();
        _nudged.Dispose();
    }
}
