using System.Data.Common;
using System.Diagnostics;
using Parley.Client;

namespace Parley.Bench;

/// <summary>
/// Issue #14's search benchmark: M messages (default 1,000,000) in 400 groups of 4–5 people, bulk-loaded into the
/// server's database; one user, a member of a quarter of the groups, then searches over HTTP one query at a time
/// (words common, middling and rare, two words, a prefix, one conversation, by relevance) and the p99 is taken per kind.
/// </summary>
public static class SearchScenario
{
    private const int Words = 5000, Groups = 400, People = 20;

    public static async Task RunAsync(Uri url, Func<Task<DbConnection>> openDatabase, int messages, int queries, Report report)
    {
        var users = await Setup.UsersAsync(url, People, "searcher");
        var me = users[0];
        var random = new Random(14);
        var conversations = new List<SearchCorpus.Conversation>();
        for (var g = 0; g < Groups; g++)
        {
            var owner = users[1 + g % (People - 1)];
            var members = users.Skip(1).Where(u => u != owner).OrderBy(_ => random.Next()).Take(3).Select(u => u.UserId!).ToList();
            if (g % 4 == 0) members.Add(me.UserId!);
            var id = (await owner.CreateGroupAsync($"group {g}", members)).GetProperty("id").GetString()!;
            conversations.Add(new(id, [owner.UserId!, .. members]));
        }

        var clock = Stopwatch.StartNew();
        await using (var connection = await openDatabase())
            await new SearchCorpus(Words, seed: 14).LoadAsync(connection, conversations, messages,
                n => Console.WriteLine($"loaded {n:N0} messages in {clock.Elapsed.TotalSeconds:F0} s"));
        report.Row(new() { ["step"] = "load", ["messages"] = messages, ["seconds"] = clock.Elapsed.TotalSeconds });

        var mine = conversations.Where((_, g) => g % 4 == 0).Select(c => c.Id).ToList();
        var kinds = new (string Kind, Func<int, string> Query)[]
        {
            ("common word (rank 1-20)", i => $"q={SearchCorpus.Word(i % 20)}"),
            ("middling word (rank 100-600)", i => $"q={SearchCorpus.Word(100 + i * 7 % 500)}"),
            ("rare word (rank 3000-5000)", i => $"q={SearchCorpus.Word(3000 + i * 13 % 2000)}"),
            ("two words", i => $"q={SearchCorpus.Word(i % 50)}%20{SearchCorpus.Word(50 + i * 3 % 200)}"),
            ("prefix (4 letters and *)", i => $"q={SearchCorpus.Word(20 + i * 11 % 1000)[..4]}*"),
            ("word in one conversation", i => $"q={SearchCorpus.Word(i * 3 % 300)}&conversationId={mine[i % mine.Count]}"),
            ("by relevance, middling word", i => $"q={SearchCorpus.Word(100 + i * 7 % 500)}&sort=relevance"),
            ("by relevance, common word", i => $"q={SearchCorpus.Word(i % 20)}&sort=relevance"),
        };
        var all = new Samples();
        foreach (var (kind, query) in kinds)
        {
            for (var i = 0; i < 20; i++) await SearchAsync(me, query(queries + i)); // warm-up
            var samples = new Samples();
            var hits = 0L;
            for (var i = 0; i < queries; i++)
            {
                var t = Stopwatch.GetTimestamp();
                hits += await SearchAsync(me, query(i));
                samples.Add(Stopwatch.GetElapsedTime(t).TotalMilliseconds);
            }
            if (!kind.StartsWith("by relevance, common")) all.AddRange(samples.Values);
            var s = samples.Summarize();
            report.Row(new() { ["step"] = kind, ["queries"] = queries, ["hitsPerPage"] = (double)hits / queries, ["p50Ms"] = s.P50Ms, ["p99Ms"] = s.P99Ms, ["maxMs"] = s.MaxMs });
        }
        var total = all.Summarize();
        report.Row(new() { ["step"] = "all but relevance on common words", ["queries"] = total.Count, ["p50Ms"] = total.P50Ms, ["p99Ms"] = total.P99Ms, ["maxMs"] = total.MaxMs });
    }

    public static async Task<DbConnection> OpenAsync(string? postgres, string sqliteFile)
    {
        DbConnection connection = postgres is not null ? new Npgsql.NpgsqlConnection(postgres)
            : new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={sqliteFile};Default Timeout=60");
        if (connection is Microsoft.Data.Sqlite.SqliteConnection) SQLitePCL.Batteries_V2.Init();
        await connection.OpenAsync();
        return connection;
    }

    private static async Task<int> SearchAsync(ParleyClient client, string query) =>
        (await client.SendAsync(HttpMethod.Get, $"/api/search/messages?{query}&limit=20", null)).GetProperty("hits").GetArrayLength();
}
