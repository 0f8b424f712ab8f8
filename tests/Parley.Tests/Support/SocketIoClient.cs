using System.Diagnostics;
using System.Text.Json;

namespace Parley.Tests.Support;

/// <summary>
/// The real <c>socket.io-client</c> 4.x, run by Node from tests/socketio-client (driver.mjs) and remote-controlled:
/// one JSON command per line in, one JSON report per line out (connect, connect_error, disconnect, upgrade, event, ack).
/// The first use on a fresh machine installs the client with <c>npm ci</c> (scripts/test.sh does it up front).
/// </summary>
public sealed class SocketIoClient : IAsyncDisposable
{
    private static readonly SemaphoreSlim Install = new(1, 1);
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(15);
    private readonly Process _node;
    private readonly List<JsonElement> _reports = [];
    private readonly SemaphoreSlim _arrived = new(0);
    private readonly System.Text.StringBuilder _stderr = new();
    private int _ids;

    private SocketIoClient(Process node) => _node = node;

    public static string DriverFolder { get; } = FindDriverFolder();

    /// <summary>Starts a client and connects it to <paramref name="server"/> with socket.io-client's options (auth, transports, query…).</summary>
    public static async Task<SocketIoClient> ConnectAsync(Uri server, object? options = null)
    {
        await EnsureInstalledAsync();
        var start = new ProcessStartInfo("node", "driver.mjs")
        {
            WorkingDirectory = DriverFolder, RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true,
        };
        var client = new SocketIoClient(Process.Start(start)!);
        client.Pump();
        await client.NextAsync("started");
        await client.SendAsync(new { cmd = "connect", url = server.ToString().TrimEnd('/'), options = options ?? new { } });
        return client;
    }

    public Task SendAsync(object command) => _node.StandardInput.WriteLineAsync(JsonSerializer.Serialize(command));

    /// <summary>Emits with an ack and returns the ack's first argument.</summary>
    public async Task<JsonElement> EmitAsync(string name, params object[] args)
    {
        var id = Interlocked.Increment(ref _ids);
        await SendAsync(new { cmd = "emit", id, name, args });
        var ack = await NextAsync(r => r.GetProperty("type").GetString() is "ack" or "ack_timeout" && r.GetProperty("id").GetInt32() == id);
        Assert.True(ack.GetProperty("type").GetString() == "ack", $"no ack for {name}: {ack}");
        return ack.GetProperty("args")[0];
    }

    /// <summary>The arguments of the next server event called <paramref name="name"/> (and matching <paramref name="where"/>).</summary>
    public async Task<JsonElement> EventAsync(string name, Func<JsonElement, bool>? where = null) =>
        (await NextAsync(r => r.GetProperty("type").GetString() == "event" && r.GetProperty("name").GetString() == name
            && (where is null || where(r.GetProperty("args"))))).GetProperty("args");

    public Task<JsonElement> NextAsync(string type) => NextAsync(r => r.GetProperty("type").GetString() == type);

    /// <summary>Takes the first report so far (or to come) that matches; the others stay for later calls.</summary>
    public async Task<JsonElement> NextAsync(Func<JsonElement, bool> match)
    {
        using var timeout = new CancellationTokenSource(Wait);
        var scanned = 0;
        while (true)
        {
            lock (_reports)
            {
                for (; scanned < _reports.Count; scanned++)
                {
                    if (!match(_reports[scanned])) continue;
                    var found = _reports[scanned];
                    _reports.RemoveAt(scanned);
                    return found;
                }
            }
            try { await _arrived.WaitAsync(timeout.Token); }
            catch (OperationCanceledException)
            {
                lock (_reports) throw new TimeoutException($"socket.io-client: nothing matched within {Wait}. Reports: {string.Join("\n", _reports)}\nstderr: {_stderr}");
            }
        }
    }

    /// <summary>Every report not taken yet, for asserting that something did not happen.</summary>
    public IReadOnlyList<JsonElement> Pending()
    {
        lock (_reports) return [.. _reports];
    }

    private void Pump()
    {
        _node.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (_stderr) _stderr.AppendLine(e.Data); };
        _node.BeginErrorReadLine();
        _ = Task.Run(async () =>
        {
            while (await _node.StandardOutput.ReadLineAsync() is { } line)
            {
                lock (_reports) _reports.Add(JsonDocument.Parse(line).RootElement.Clone());
                _arrived.Release();
            }
        });
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await SendAsync(new { cmd = "exit" });
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await _node.WaitForExitAsync(timeout.Token);
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or InvalidOperationException)
        {
            _node.Kill(entireProcessTree: true);
        }
        _node.Dispose();
    }

    private static async Task EnsureInstalledAsync()
    {
        await Install.WaitAsync();
        try
        {
            if (Directory.Exists(Path.Combine(DriverFolder, "node_modules", "socket.io-client"))) return;
            using var npm = Process.Start(new ProcessStartInfo("npm", "ci --no-audit --no-fund") { WorkingDirectory = DriverFolder })!;
            await npm.WaitForExitAsync();
            Assert.True(npm.ExitCode == 0, "npm ci in tests/socketio-client failed");
        }
        finally
        {
            Install.Release();
        }
    }

    private static string FindDriverFolder()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "tests", "socketio-client");
            if (File.Exists(Path.Combine(candidate, "driver.mjs"))) return candidate;
        }
        throw new InvalidOperationException("tests/socketio-client not found above " + AppContext.BaseDirectory);
    }
}
