using Microsoft.Extensions.Options;
using Parley.Server.Data;

namespace Parley.Server.Uploads;

/// <summary>
/// Deletes, every <see cref="UploadOptions.SweepInterval"/>, the uploads whose time is up: never sent within
/// <see cref="UploadOptions.OrphanTtl"/>, left unsent by a deleted account, or held by a deleted message. The
/// blobs go first, then the row, so a crash in between leaves a row the next sweep finishes. Nodes may sweep at once.
/// </summary>
public sealed class UploadSweeper(Db db, IFileStorage storage, IOptions<UploadOptions> options, TimeProvider clock, ILogger<UploadSweeper> log)
    : BackgroundService
{
    private const int Batch = 500;

    /// <summary>One pass as if it were <paramref name="now"/>; the number of uploads deleted.</summary>
    public async Task<int> SweepAsync(DateTimeOffset now, CancellationToken ct = default)
    {
        var orphanBefore = (now - options.Value.OrphanTtl).ToUnixTimeMilliseconds();
        var deleted = 0;
        while (true)
        {
            List<UploadRow> due;
            await using (var connection = await db.OpenAsync(ct)) due = await UploadStore.DueForDeletionAsync(connection, orphanBefore, Batch);
            foreach (var row in due)
            {
                await storage.DeleteAsync(row.StorageKey, ct);
                if (row.ThumbnailKey is not null) await storage.DeleteAsync(row.ThumbnailKey, ct);
                await using var connection = await db.OpenAsync(ct);
                await UploadStore.DeleteAsync(connection, row.Id);
            }
            deleted += due.Count;
            if (due.Count < Batch) return deleted;
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.SweepInterval, clock);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                var deleted = await SweepAsync(clock.GetUtcNow(), stoppingToken);
                if (deleted > 0) log.LogInformation("Deleted {Count} uploads (unsent, or their message or account deleted)", deleted);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                log.LogWarning(e, "Upload sweep failed; trying again in {Interval}", options.Value.SweepInterval);
            }
        }
    }
}
