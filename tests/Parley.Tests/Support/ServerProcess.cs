using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Parley.Tests.Support;

/// <summary>
/// Parley as a separate process (`dotnet Parley.Server.dll`) that a test can kill and start again on the same port and
/// data folder: what a server restart looks like to a browser, or a node of a deployment dying. ParleyApp lives inside
/// the test process and cannot.
/// </summary>
public sealed class ServerProcess : IAsyncLifetime, INode
{
    private Process? _process;
    private readonly List<string> _output = [];

    public string DataDirectory { get; } = Path.Combine(Path.GetTempPath(), "parley-tests", Guid.NewGuid().ToString("N"));
    public int Port { get; } = FreePort();
    public Uri BaseAddress => new($"http://127.0.0.1:{Port}/");

    /// <summary>More configuration, passed as <c>--Key=value</c> flags (after the defaults, so they win).</summary>
    public IReadOnlyDictionary<string, string> Settings { get; init; } = new Dictionary<string, string>();

    public bool IsRunning => _process is { HasExited: false };

    /// <summary>The last lines the server wrote (warnings and errors), for failure messages.</summary>
    public string RecentOutput
    {
        get { lock (_output) return string.Join('\n', _output.TakeLast(40)); }
    }

    public async ValueTask InitializeAsync() => await StartAsync();

    public async Task StartAsync()
    {
        if (_process is { HasExited: false }) return;
        var serverDir = Path.Combine(Repo.Root, "src", "Parley.Server");
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = serverDir,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[]
        {
            ServerDll(), "--urls", $"http://127.0.0.1:{Port}", "--contentRoot", serverDir, $"--Data:DataDirectory={DataDirectory}",
            "--Auth:PasswordIterations=1000", "--Limits:MessagesPerUserPerSecond=0", "--Auth:LoginAttemptsPerAddressPerMinute=1000", "--Logging:LogLevel:Default=Warning",
        }) start.ArgumentList.Add(arg);
        foreach (var (key, value) in Settings) start.ArgumentList.Add($"--{key}={value}");
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        _process = Process.Start(start)!;
        _process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (_output) _output.Add(e.Data); };
        _process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (_output) _output.Add(e.Data); };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        await WaitUntilHealthyAsync();
    }

    /// <summary>Kills the server at once, as a crash or a redeploy would (no graceful close frames).</summary>
    public async Task KillAsync()
    {
        if (_process is null) return;
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
        _process.Dispose();
        _process = null;
    }

    private async Task WaitUntilHealthyAsync()
    {
        using var http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            if (_process!.HasExited) break;
            try
            {
                if ((await http.GetAsync("/healthz")).StatusCode == HttpStatusCode.OK) return;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException) { }
            await Task.Delay(100);
        }
        throw new InvalidOperationException($"Parley did not become healthy on port {Port}:\n{RecentOutput}");
    }

    /// <summary>The server build next to the test binaries (the test project references it), else the server's own output.</summary>
    private static string ServerDll()
    {
        var beside = Path.Combine(AppContext.BaseDirectory, "Parley.Server.dll");
        if (File.Exists(beside) && File.Exists(Path.Combine(AppContext.BaseDirectory, "Parley.Server.runtimeconfig.json"))) return beside;
        var configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name;
        return Path.Combine(Repo.Root, "src", "Parley.Server", "bin", configuration, "net10.0", "Parley.Server.dll");
    }

    internal static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>A plain HTTP client to the server.</summary>
    public HttpClient Http(string? token = null)
    {
        var http = new HttpClient { BaseAddress = BaseAddress };
        if (token is not null) http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        return http;
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        try { Directory.Delete(DataDirectory, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
