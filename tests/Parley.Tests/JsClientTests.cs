using System.Diagnostics;
using System.Text.Json;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Parley.Tests.Support;

namespace Parley.Tests;

/// <summary>
/// The JavaScript client (clients/js): its own Node tests (node:test) against this real server, and its route table
/// against the server's endpoints, so that a route added to the server without a client call fails here.
/// </summary>
public sealed class JsClientTests(ParleyApp app) : IClassFixture<ParleyApp>
{
    // Served by the gateway class, or not API calls: documents, the Socket.IO endpoint. An endpoint of any method (/healthz) counts as GET.
    private static readonly string[] NotClientRoutes = ["/ws", "/socket.io", "/openapi", "/docs"];

    [Fact]
    public async Task The_clients_node_tests_pass_against_a_real_server()
    {
        var tests = Directory.GetFiles(Path.Combine(NodeRun.ClientFolder, "test"), "*.test.js").Select(Path.GetFileName).Order();
        var (exit, output) = await NodeRun.RunAsync(["--test", "--test-timeout=60000", .. tests.Select(f => $"test/{f}")],
            new() { ["PARLEY_URL"] = app.BaseAddress.ToString().TrimEnd('/') }, TimeSpan.FromMinutes(4));
        Assert.True(exit == 0, $"node --test exited with {exit}:\n{output}");
        Assert.Contains("# fail 0", output);
    }

    [Fact]
    public async Task The_client_has_a_call_for_every_route_of_the_server_and_none_it_lacks()
    {
        var server = app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText is { } raw && !NotClientRoutes.Any(p => raw.StartsWith(p, StringComparison.OrdinalIgnoreCase)))
            .SelectMany(e => (e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? ["GET"]).Select(m => Key(m, e.RoutePattern.RawText!)))
            .ToHashSet();
        var (exit, output) = await NodeRun.RunAsync(["--input-type=module", "-e",
            "const { routes } = await import('./src/routes.js'); console.log(JSON.stringify(routes));"], [], TimeSpan.FromSeconds(30));
        Assert.True(exit == 0, output);
        var client = JsonDocument.Parse(output).RootElement.EnumerateArray()
            .Select(r => Key(r[1].GetString()!, r[2].GetString()!)).ToHashSet();

        Assert.True(server.Count > 100, $"only {server.Count} endpoints found");
        Assert.Empty(server.Except(client).Order());
        Assert.Empty(client.Except(server).Order());
    }

    /// <summary>"GET /api/conversations/{}/messages": parameter names and a trailing slash do not matter.</summary>
    private static string Key(string method, string template) =>
        $"{method} {System.Text.RegularExpressions.Regex.Replace(template, @"\{[^}]*\}", "{}").TrimEnd('/').ToLowerInvariant()}";
}

/// <summary>Node in clients/js, with the WebSocket Node 20 and 21 keep behind a flag.</summary>
internal static class NodeRun
{
    public static string ClientFolder { get; } = Find();

    public static async Task<(int Exit, string Output)> RunAsync(string[] args, Dictionary<string, string> env, TimeSpan timeout)
    {
        var start = new ProcessStartInfo("node") { WorkingDirectory = ClientFolder, RedirectStandardOutput = true, RedirectStandardError = true };
        if (await MajorVersionAsync() < 22) start.ArgumentList.Add("--experimental-websocket");
        foreach (var a in args) start.ArgumentList.Add(a);
        foreach (var (k, v) in env) start.Environment[k] = v;
        using var node = Process.Start(start)!;
        var stdout = node.StandardOutput.ReadToEndAsync();
        var stderr = node.StandardError.ReadToEndAsync();
        using var cancel = new CancellationTokenSource(timeout);
        try { await node.WaitForExitAsync(cancel.Token); }
        catch (OperationCanceledException)
        {
            node.Kill(entireProcessTree: true);
            return (-1, $"timed out after {timeout}\n{await stdout}\n{await stderr}");
        }
        var error = await stderr;
        return (node.ExitCode, error.Length == 0 ? await stdout : $"{await stdout}\nstderr:\n{error}");
    }

    private static async Task<int> MajorVersionAsync()
    {
        using var node = Process.Start(new ProcessStartInfo("node", "--version") { RedirectStandardOutput = true })!;
        var version = (await node.StandardOutput.ReadToEndAsync()).Trim().TrimStart('v');
        await node.WaitForExitAsync();
        var major = int.Parse(version.Split('.')[0]);
        Assert.True(major >= 20, $"clients/js needs Node.js 20.10 or later; this is {version}");
        return major;
    }

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "clients", "js");
            if (File.Exists(Path.Combine(candidate, "package.json"))) return candidate;
        }
        throw new InvalidOperationException("clients/js not found above " + AppContext.BaseDirectory);
    }
}
