using System.Diagnostics;
using Npgsql;

namespace Parley.Bench;

/// <summary>
/// The servers a benchmark runs against, started for it on 127.0.0.1: one node on a fresh SQLite folder, or one or more
/// nodes sharing a fresh PostgreSQL database, one Redis channel and one signing key. PostgreSQL and Redis are throwaway
/// instances from scripts/services.sh (installed with apt-get where missing), unless PARLEY_TEST_PG and PARLEY_TEST_REDIS
/// name servers of your own; everything started here is stopped on dispose.
/// </summary>
public sealed class Deployment : IAsyncDisposable
{
    private readonly List<ServerProcess> _nodes = [];
    private readonly string _root;
    private string? _services, _admin, _database;

    private Deployment(string root, string backend) => (_root, Backend) = (root, backend);

    public string Backend { get; }

    /// <summary>The nodes' PostgreSQL database (null on SQLite), for benchmarks that load data straight into it.</summary>
    public string? PostgresConnection { get; private set; }
    public IReadOnlyList<Uri> Urls => [.. _nodes.Select(n => n.Url)];

    public static async Task<Deployment> StartAsync(string root, string serverDll, int nodes, string backend, IReadOnlyDictionary<string, string> settings)
    {
        var deployment = new Deployment(root, backend);
        try
        {
            var all = new Dictionary<string, string>(settings);
            if (backend == "postgres")
            {
                var (admin, redis) = await deployment.StartServicesAsync();
                deployment._admin = admin;
                deployment._database = $"parley_bench_{Guid.NewGuid():N}";
                await AdminAsync(admin, $"CREATE DATABASE {deployment._database}");
                all["ConnectionStrings:Postgres"] = deployment.PostgresConnection =
                    new NpgsqlConnectionStringBuilder(admin) { Database = deployment._database }.ConnectionString;
                all["Redis:Connection"] = redis;
                all["Redis:Channel"] = $"parley:bench:{Guid.NewGuid():N}";
                all["Auth:SigningKey"] = $"{Guid.NewGuid():N}{Guid.NewGuid():N}";
            }
            else if (nodes > 1) throw new ArgumentException("several nodes share PostgreSQL and Redis: use --backend postgres");
            // The first node migrates the empty database; the others start at once after it.
            deployment._nodes.Add(await ServerProcess.StartAsync(serverDll, all));
            deployment._nodes.AddRange(await Task.WhenAll(Enumerable.Range(1, nodes - 1).Select(_ => ServerProcess.StartAsync(serverDll, all))));
            return deployment;
        }
        catch
        {
            await deployment.DisposeAsync();
            throw;
        }
    }

    /// <summary>Resident and peak resident memory, in KiB, summed over the nodes.</summary>
    public (long RssKiB, long PeakRssKiB) Memory() =>
        _nodes.Select(n => n.Memory()).Aggregate((0L, 0L), (sum, m) => (sum.Item1 + m.RssKiB, sum.Item2 + m.PeakRssKiB));

    /// <summary>
    /// CPU time (user + system, in ms) used so far by the nodes, and by PostgreSQL (every backend) and Redis when this run
    /// started them; not by the load client. Robust where wall-clock figures are not: on a shared machine.
    /// </summary>
    public (long Nodes, long Services) CpuMs()
    {
        var services = new List<int>();
        if (_services is not null)
        {
            if (PidIn(Path.Combine(_services, "pg", "postmaster.pid")) is { } postmaster)
                services.AddRange([postmaster, .. Directory.EnumerateDirectories("/proc").Select(d => Path.GetFileName(d))
                    .Where(name => name.All(char.IsAsciiDigit)).Select(int.Parse).Where(pid => Stat(pid) is { } s && s[1] == postmaster.ToString())]);
            if (PidIn(Path.Combine(_services, "redis.pid")) is { } redis) services.Add(redis);
        }
        return (_nodes.Sum(n => CpuMs(n.Pid)), services.Sum(CpuMs));
    }

    /// <summary>utime and stime, fields 14 and 15 of /proc/<pid>/stat, in USER_HZ (100 a second on Linux).</summary>
    private static long CpuMs(int pid) => Stat(pid) is { } s ? (long.Parse(s[11]) + long.Parse(s[12])) * 10 : 0;

    /// <summary>The fields of /proc/<pid>/stat after the command name (the first is field 3, the state), or null when it has gone.</summary>
    private static string[]? Stat(int pid)
    {
        try
        {
            var text = File.ReadAllText($"/proc/{pid}/stat");
            return text[(text.LastIndexOf(')') + 2)..].Split(' ');
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return null; }
    }

    private static int? PidIn(string file) =>
        File.Exists(file) && int.TryParse(File.ReadLines(file).FirstOrDefault()?.Trim(), out var pid) ? pid : null;

    private async Task<(string Admin, string Redis)> StartServicesAsync()
    {
        _services = Path.Combine(Path.GetTempPath(), "parley-bench", $"services-{Guid.NewGuid():N}");
        var output = await ServicesAsync("start");
        string Value(string name) => output.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.StartsWith($"{name}="))?[(name.Length + 1)..]
            ?? throw new InvalidOperationException($"scripts/services.sh start printed no {name}");
        return (Value("PARLEY_TEST_PG"), Value("PARLEY_TEST_REDIS"));
    }

    private async Task<string> ServicesAsync(string command)
    {
        var info = new ProcessStartInfo("bash") { RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var arg in new[] { Path.Combine(_root, "scripts", "services.sh"), command, _services! }) info.ArgumentList.Add(arg);
        using var process = Process.Start(info)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0) throw new InvalidOperationException($"scripts/services.sh {command} failed ({process.ExitCode})");
        return output;
    }

    private static async Task AdminAsync(string admin, string sql)
    {
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(admin) { Pooling = false }.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var node in _nodes) await node.DisposeAsync();
        _nodes.Clear();
        if (_admin is not null && _database is not null)
        {
            try { await AdminAsync(_admin, $"DROP DATABASE IF EXISTS {_database} WITH (FORCE)"); }
            catch (NpgsqlException e) { Console.Error.WriteLine($"could not drop {_database}: {e.Message}"); }
        }
        if (_services is not null) await ServicesAsync("stop");
    }
}
