using System.Diagnostics;
using Parley.Bench;

// Parley benchmarks: bounded in count and time, against 127.0.0.1 only.
//   dotnet run -c Release --project bench/Parley.Bench -- messages [--messages 100000] [--senders 8] [--warmup 30000] [--url http://127.0.0.1:PORT [--server-pid PID]]
//   dotnet run -c Release --project bench/Parley.Bench -- fanout [--nodes 2] [--backend sqlite|postgres] [--rates 100,1000] [--transports gateway,socketio]
//   dotnet run -c Release --project bench/Parley.Bench -- search [--messages 1000000] [--queries 300] [--backend sqlite|postgres]
//   dotnet run -c Release --project bench/Parley.Bench -- uploads [--storage disk|s3] [--files 20] [--megabytes 10] [--concurrency 4] [--images 10]
// --backend postgres (the default with --nodes above 1) runs the nodes on PostgreSQL + Redis started for the run.
var scenario = args.FirstOrDefault(a => !a.StartsWith("--")) ?? "messages";
string? Option(string name) => args.SkipWhile(a => a != $"--{name}").Skip(1).FirstOrDefault();
int Int(string name, int fallback) => Option(name) is { } v ? int.Parse(v) : fallback;

var root = FindRepositoryRoot();
var report = new Report(scenario);
Deployment? deployment = null;
string? sqliteFile = null;
S3Service? s3 = null;
var storage = Option("storage") ?? "disk";
IReadOnlyList<Uri> urls;
if (Option("url") is { } given)
{
    // One server, or several nodes of one deployment: comma-separated.
    urls = [.. given.Split(',').Select(u => new Uri(u.Trim()))];
    if (urls.Any(u => !u.IsLoopback)) throw new ArgumentException("benchmarks only target loopback addresses");
}
else
{
    var nodes = Int("nodes", 1);
    if (nodes > 1 && scenario != "fanout") throw new ArgumentException("only fanout spreads its clients over several nodes");
    ResourceLimits.RaiseOpenFiles(200_000); // inherited by the server processes
    // Setup registers many users; fewer PBKDF2 rounds keep that quick and do not touch the measured paths.
    var settings = new Dictionary<string, string> { ["Auth:PasswordIterations"] = "1000" };
    // The search benchmark loads its messages straight into the database file, so it picks where that is.
    if (scenario == "search") settings["ConnectionStrings:Sqlite"] = $"Data Source={sqliteFile = SearchDatabaseFile()}";
    if (scenario == "uploads")
    {
        settings["Uploads:QuotaBytesPerUser"] = "0";
        if (storage == "s3") foreach (var (key, value) in (s3 = await S3Service.StartAsync(root)).Settings) settings[key] = value;
    }
    deployment = await Deployment.StartAsync(root, BuildServer(root), nodes, Option("backend") ?? (nodes > 1 ? "postgres" : "sqlite"), settings);
    urls = deployment.Urls;
    report.Fact("backend", deployment.Backend == "postgres" ? "PostgreSQL + Redis bus" : "SQLite + in-process bus");
}
var url = urls[0];
Func<(long, long)>? memory = deployment is null ? null : deployment.Memory;
report.Fact("url", string.Join(",", urls));
report.Fact("nodes", urls.Count);
if (urls.Count > 1) report.Fact("serverPeakRssMiB", "summed over the nodes");
Console.WriteLine($"{scenario} against {string.Join(", ", urls)}");
try
{
    switch (scenario)
    {
        case "messages":
            var messages = Int("messages", 100_000);
            var senders = Int("senders", 8);
            report.Fact("messages", messages);
            var warmup = Int("warmup", 30_000);
            report.Fact("senders", senders);
            report.Fact("warmupMessages", warmup);
            await MessagesScenario.RunAsync(url, messages, senders, warmup, report, memory,
                deployment is null ? ServerCpu(Option("server-pid")) : () => TimeSpan.FromMilliseconds(deployment.CpuMs().Nodes));
            break;
        case "fanout":
            var rates = (Option("rates") ?? "100,250,400,1000,2000,4000,6000,8000").Split(',').Select(int.Parse).ToArray();
            report.Fact("cpuMsPerMsg", "CPU time of the nodes, and of PostgreSQL and Redis when the bench started them, per message sent, over the rate's run");
            report.Fact("dbCpuMsPerMsg", "the part of cpuMsPerMsg spent in PostgreSQL and Redis (SQLite runs inside the node)");
            var transports = (Option("transports") ?? "gateway,socketio").Split(',');
            report.Fact("transport", "how receivers get the messages: gateway (the native WebSocket) or socketio (Socket.IO, WebSocket transport); senders use the gateway");
            await FanoutScenario.RunAsync(urls, Int("receivers", 50), Int("senders", 5), Int("seconds", 10), rates, transports, report, memory,
                deployment is null ? null : deployment.CpuMs);
            break;
        case "idle":
            if (memory is null) throw new ArgumentException("idle measures the server's memory: let the bench start the server (no --url)");
            ResourceLimits.RaiseOpenFiles(200_000);
            await IdleScenario.RunAsync(url, Int("sockets", 20_000), Int("users", 1_000), Int("sources", 4), report, memory);
            break;
        case "search":
            if (deployment is null) throw new ArgumentException("search loads its data into the database: let the bench start the server (no --url)");
            var pg = deployment.PostgresConnection;
            report.Fact("messages", Int("messages", 1_000_000));
            await SearchScenario.RunAsync(url, () => SearchScenario.OpenAsync(pg, sqliteFile!), Int("messages", 1_000_000), Int("queries", 300), report);
            break;
        case "uploads":
            report.Fact("storage", storage == "s3" ? "S3 (s3rver on loopback)" : "disk");
            await UploadsScenario.RunAsync(url, storage, Int("files", 20), Int("megabytes", 10), Int("concurrency", 4), Int("images", 10), report, memory);
            break;
        default:
            Console.Error.WriteLine($"unknown scenario '{scenario}' (known: messages, fanout, idle, search, uploads)");
            return 2;
    }
}
finally
{
    if (deployment is not null) await deployment.DisposeAsync();
    if (s3 is not null) await s3.DisposeAsync();
}
report.Write(Path.Combine(root, "bench", "results"));
return 0;

// A server started by hand (--url) can still be measured when its process id is given.
static Func<TimeSpan>? ServerCpu(string? pid) => pid is null ? null : () =>
{
    var fields = File.ReadAllText($"/proc/{pid}/stat").Split(')')[1].Split(' ', StringSplitOptions.RemoveEmptyEntries);
    return TimeSpan.FromSeconds((long.Parse(fields[11]) + long.Parse(fields[12])) / 100.0); // utime + stime, in clock ticks
};

static string SearchDatabaseFile()
{
    var folder = Path.Combine(Path.GetTempPath(), "parley-bench", $"search-{Guid.NewGuid():N}");
    Directory.CreateDirectory(folder);
    return Path.Combine(folder, "parley.db");
}

static string FindRepositoryRoot()
{
    for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        if (File.Exists(Path.Combine(dir.FullName, "Parley.slnx"))) return dir.FullName;
    return Directory.GetCurrentDirectory();
}

static string BuildServer(string root)
{
    var build = Process.Start(new ProcessStartInfo("dotnet", ["build", "-c", "Release", "--nologo", "-v", "quiet", Path.Combine(root, "src", "Parley.Server")]))!;
    build.WaitForExit();
    if (build.ExitCode != 0) throw new InvalidOperationException("server build failed");
    return Path.Combine(root, "src", "Parley.Server", "bin", "Release", "net10.0", "Parley.Server.dll");
}
