using Parley.Server.Data;
using Parley.Tests.Support;

namespace Parley.Tests;

/// <summary>
/// The SQLite writer never checkpoints inside a commit (its automatic checkpoint is off); a connection of its own copies
/// the WAL into the database file soon after commits, even after a few sends far below SQLite's 1,000-page threshold.
/// </summary>
public sealed class SqliteCheckpointTests(ParleyApp app) : IClassFixture<ParleyApp>
{
    [Fact]
    public async Task Commits_reach_the_database_file_through_background_checkpoints()
    {
        Assert.SkipWhen(app.Dialect != Dialect.Sqlite, "SQLite's WAL");
        var alice = await app.UserAsync("alice");
        var bob = await app.UserAsync("bob");
        var group = await alice.GroupAsync("group", bob);
        await alice.SendAsync(group, "warm-up");
        var file = new FileInfo(Path.Combine(app.DataDirectory, "parley.db"));
        await WaitAsync(() => Stable(file));
        var before = Size(file);

        var text = new string('x', 3000);
        for (var i = 0; i < 20; i++) await alice.SendAsync(group, $"{i} {text}");

        // About 60 KB of new rows: in the database file only if a checkpoint copied them there.
        await WaitAsync(() => Size(file) >= before + 60_000);
        Assert.True(Size(file) >= before + 60_000);
        var page = await bob.GetAsync($"/api/conversations/{group}/messages?limit=50");
        Assert.Equal(21, page.Expect(200).GetProperty("messages").GetArrayLength());
    }

    private static long Size(FileInfo file)
    {
        file.Refresh();
        return file.Length;
    }

    private static long _lastSize = -1;

    private static bool Stable(FileInfo file)
    {
        var size = Size(file);
        var same = size == _lastSize;
        _lastSize = size;
        return same;
    }

    private static async Task WaitAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (!condition() && DateTime.UtcNow < deadline) await Task.Delay(SqliteCheckpointer.Interval);
    }
}
