using Dapper;
using Microsoft.Extensions.Options;
using Parley.Server.Data;

namespace Parley.Server.Events;

/// <summary>Deletes events older than <see cref="EventLogOptions.EventRetention"/> and records how far it got, so resume can say "gap".</summary>
public sealed partial class EventPruner(Db db, IOptions<EventLogOptions> options, ILogger<EventPruner> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.PruneInterval);
        do
        {
            try
            {
                var deleted = await PruneAsync(stoppingToken);
                if (deleted > 0) LogPruned(logger, deleted);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogFailed(logger, e);
            }
        } while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    public Task<int> PruneAsync(CancellationToken ct = default) => db.WriteAsync(async (connection, tx) =>
    {
        var cutoff = EventReplay.Cutoff(options.Value);
        var through = await connection.ExecuteScalarAsync<long?>("SELECT MAX(id) FROM events WHERE created_at < @cutoff", new { cutoff }, tx);
        if (through is null) return 0;
        await connection.ExecuteAsync("UPDATE event_retention SET pruned_through = @through WHERE id = 1 AND pruned_through < @through",
            new { through }, tx);
        return await connection.ExecuteAsync("DELETE FROM events WHERE id <= @through AND created_at < @cutoff", new { through, cutoff }, tx);
    }, ct);

    [LoggerMessage(LogLevel.Information, "Pruned {Count} expired events")]
    private static partial void LogPruned(ILogger logger, int count);

    [LoggerMessage(LogLevel.Error, "Pruning expired events failed")]
    private static partial void LogFailed(ILogger logger, Exception error);
}
