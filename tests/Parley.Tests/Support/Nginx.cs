using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Parley.Tests.Support;

/// <summary>
/// nginx in front of some nodes, running the repository's own deploy/nginx.conf with only its addresses and file
/// paths replaced: the upstream servers by the nodes' ports, `listen 80` by a free loopback port, the pid file,
/// the logs and nginx's temporary files by a folder of its own. A child process, killed (with its workers) on dispose.
/// </summary>
public sealed partial class Nginx : IAsyncDisposable, INode
{
    public static readonly string ConfigFile = Path.Combine(Repo.Root, "deploy", "nginx.conf");

    private readonly Process _process;
    private readonly string _directory;

    private Nginx(Process process, string directory, int port) => (_process, _directory, Port) = (process, directory, port);

    public int Port { get; }
    public Uri BaseAddress => new($"http://127.0.0.1:{Port}/");
    public string AccessLog => Path.Combine(_directory, "access.log");

    public HttpClient Http(string? token = null)
    {
        var http = new HttpClient { BaseAddress = BaseAddress };
        if (token is not null) http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        return http;
    }

    public static string Executable =>
        new[] { "/usr/sbin/nginx", "/usr/bin/nginx", "/usr/local/sbin/nginx", "/usr/local/nginx/sbin/nginx" }.FirstOrDefault(File.Exists)
        ?? throw new InvalidOperationException("nginx is missing: scripts/test.sh installs Debian's nginx package (apt-get install nginx)");

    public static async Task<Nginx> StartAsync(IEnumerable<int> nodePorts)
    {
        var executable = Executable;
        var directory = Path.Combine(Path.GetTempPath(), "parley-tests", $"nginx-{Guid.NewGuid():N}");
        // Readable by the worker processes, which run as nobody when nginx starts as root.
        Directory.CreateDirectory(directory);
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute |
                UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        var port = ServerProcess.FreePort();
        var config = Path.Combine(directory, "nginx.conf");
        await File.WriteAllTextAsync(config, Render(await File.ReadAllTextAsync(ConfigFile), directory, port, nodePorts));

        var start = new ProcessStartInfo(executable) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { "-c", config, "-p", directory, "-e", Path.Combine(directory, "startup.log"), "-g", "daemon off;" })
            start.ArgumentList.Add(arg);
        var process = Process.Start(start)!;
        var output = new List<string>();
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.Add(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.Add(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var nginx = new Nginx(process, directory, port);
        using var http = new HttpClient { BaseAddress = nginx.BaseAddress, Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline && !process.HasExited)
        {
            try
            {
                if ((await http.GetAsync("/healthz")).IsSuccessStatusCode) return nginx;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException) { }
            await Task.Delay(100);
        }
        var errors = File.Exists(Path.Combine(directory, "error.log")) ? await File.ReadAllTextAsync(Path.Combine(directory, "error.log")) : "";
        await nginx.DisposeAsync();
        lock (output) throw new InvalidOperationException($"nginx did not pass requests on within 30 s:\n{string.Join('\n', output)}\n{errors}");
    }

    /// <summary>deploy/nginx.conf with this test's ports and paths; fails when the file no longer has the lines it replaces.</summary>
    public static string Render(string config, string directory, int port, IEnumerable<int> nodePorts)
    {
        config = Replace(config, PidLine(), $"pid {directory}/nginx.pid;");
        config = Replace(config, ErrorLogLine(), $"error_log {directory}/error.log");
        config = Replace(config, AccessLogLine(), $"access_log {directory}/access.log");
        config = Replace(config, ListenLine(), $"listen 127.0.0.1:{port};");
        config = Replace(config, HttpOpening(),
            $"http {{\n    client_body_temp_path {directory}/body;\n    proxy_temp_path {directory}/proxy;\n    fastcgi_temp_path {directory}/fastcgi;\n" +
            $"    uwsgi_temp_path {directory}/uwsgi;\n    scgi_temp_path {directory}/scgi;\n");
        var servers = UpstreamServer().Matches(config);
        Assert.True(servers.Count > 0, $"{ConfigFile} has no `server host:port …;` line in its upstream block");
        var options = servers[0].Groups["options"].Value;
        var replacement = string.Join("\n", nodePorts.Select(p => $"{servers[0].Groups["indent"].Value}server 127.0.0.1:{p}{options};"));
        for (var i = servers.Count - 1; i >= 0; i--)
            config = config.Remove(servers[i].Index, servers[i].Length).Insert(servers[i].Index, i == 0 ? replacement : "");
        return config;
    }

    private static string Replace(string config, Regex pattern, string replacement)
    {
        Assert.True(pattern.Matches(config).Count == 1, $"{ConfigFile} should have exactly one line matching {pattern}");
        return pattern.Replace(config, replacement.Replace("$", "$$"));
    }

    [GeneratedRegex(@"^pid\s+\S+;", RegexOptions.Multiline)] private static partial Regex PidLine();
    [GeneratedRegex(@"(?<=^)error_log\s+\S+(?=[ ;])", RegexOptions.Multiline)] private static partial Regex ErrorLogLine();
    [GeneratedRegex(@"(?<=^\s*)access_log\s+\S+(?= )", RegexOptions.Multiline)] private static partial Regex AccessLogLine();
    [GeneratedRegex(@"(?<=^\s*)listen\s+80;", RegexOptions.Multiline)] private static partial Regex ListenLine();
    [GeneratedRegex(@"^http\s*\{\n", RegexOptions.Multiline)] private static partial Regex HttpOpening();
    [GeneratedRegex(@"^(?<indent>[ \t]*)server\s+[^\s;{]+:\d+(?<options>[^;\n]*);[ \t]*\n?", RegexOptions.Multiline)] private static partial Regex UpstreamServer();

    /// <summary>The upstream (node address) of each proxied request so far, in the order nginx logged them (a WebSocket when it closed).</summary>
    public async Task<List<(string Request, int Status, string Upstream)>> LoggedAsync()
    {
        var lines = File.Exists(AccessLog) ? await File.ReadAllLinesAsync(AccessLog) : [];
        return [.. lines.Select(l => LogLine().Match(l)).Where(m => m.Success)
            .Select(m => (m.Groups["request"].Value, int.Parse(m.Groups["status"].Value), m.Groups["upstream"].Value))];
    }

    [GeneratedRegex("\"(?<request>[^\"]*)\" (?<status>\\d{3}) .* upstream=(?<upstream>\\S+)")] private static partial Regex LogLine();

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
        try { Directory.Delete(_directory, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
