using System.Text.RegularExpressions;
using Parley.Tests.Support;

namespace Parley.Tests;

/// <summary>
/// The layering of docs/architecture.md, read from the source: Api, Monitoring, Data and Events below the features,
/// Realtime (the gateway), SocketIo (the other transport) and AsyncApi (the gateway's document) above them, and no folder of src/Parley.Server importing one that imports it back.
/// </summary>
public sealed partial class ArchitectureTests
{
    private static readonly string Server = Path.Combine(Repo.Root, "src", "Parley.Server");

    [Fact]
    public void Folders_form_no_import_cycle()
    {
        var graph = FolderGraph();
        var closing = FindCycle(graph);
        Assert.True(closing is null, closing is null ? "" :
            $"Import cycle {string.Join(" -> ", closing.Value.Cycle)}: closed by 'using Parley.Server.{closing.Value.Cycle[^1]};' in {closing.Value.File}");
    }

    [Theory]
    [InlineData("Events", new[] { "Api", "Data", "Monitoring" })]
    [InlineData("Api", new string[0])]
    [InlineData("Monitoring", new[] { "Api" })]
    [InlineData("Data", new[] { "Api", "Monitoring" })]
    public void Shared_layers_import_only_what_is_below_them(string folder, string[] allowed)
    {
        var imports = FolderGraph().GetValueOrDefault(folder) ?? [];
        var wrong = imports.Where(i => !allowed.Contains(i.Key)).Select(i => $"{i.Value} imports {i.Key}").ToList();
        Assert.True(wrong.Count == 0, string.Join("; ", wrong));
    }

    [Fact]
    public void Features_never_import_the_gateway()
    {
        // SocketIo is the other transport on top: it registers its sockets with the gateway's registry and dispatcher.
        // AsyncApi describes the gateway (its frames, its requests, the events it sends) and nobody imports it.
        var wrong = FolderGraph().Where(f => f.Key is not ("Realtime" or "SocketIo" or "AsyncApi") && f.Value.ContainsKey("Realtime"))
            .Select(f => $"{f.Value["Realtime"]} imports Realtime").ToList();
        Assert.True(wrong.Count == 0, string.Join("; ", wrong));
    }

    [Fact]
    public void Nothing_imports_the_AsyncApi_document()
    {
        var wrong = FolderGraph().Where(f => f.Value.ContainsKey("AsyncApi")).Select(f => $"{f.Value["AsyncApi"]} imports AsyncApi").ToList();
        Assert.True(wrong.Count == 0, string.Join("; ", wrong));
    }

    [Fact]
    public void Realtime_is_only_the_gateway()
    {
        var lines = Directory.GetFiles(Path.Combine(Server, "Realtime"), "*.cs").Sum(f => File.ReadLines(f).Count());
        Assert.True(lines <= 1_600, $"Realtime/ has {lines} lines; at most 1,600");
    }

    [Fact]
    public void No_source_file_is_over_250_lines()
    {
        var src = Path.Combine(Repo.Root, "src");
        var tooLong = Directory.EnumerateFiles(src, "*", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}") && !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}"))
            .Where(f => Path.GetExtension(f) is ".cs" or ".js" or ".css" or ".html" or ".sql")
            .Select(f => (File: Path.GetRelativePath(Repo.Root, f), Lines: File.ReadLines(f).Count()))
            .Where(f => f.Lines > 250).Select(f => $"{f.File} ({f.Lines})").ToList();
        Assert.True(tooLong.Count == 0, "Over 250 lines: " + string.Join(", ", tooLong));
    }

    /// <summary>Folder → imported folder → the first file (relative path) whose using imports it.</summary>
    private static Dictionary<string, Dictionary<string, string>> FolderGraph()
    {
        var graph = new Dictionary<string, Dictionary<string, string>>(StringComparer.Ordinal);
        foreach (var folder in Directory.GetDirectories(Server).Where(d => Directory.GetFiles(d, "*.cs").Length > 0).Order(StringComparer.Ordinal))
        {
            var name = Path.GetFileName(folder);
            var imports = graph[name] = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var file in Directory.GetFiles(folder, "*.cs").Order(StringComparer.Ordinal))
                foreach (var line in File.ReadLines(file))
                    if (UsingLine().Match(line) is { Success: true } m && m.Groups[1].Value != name)
                        imports.TryAdd(m.Groups[1].Value, Path.GetRelativePath(Repo.Root, file));
        }
        return graph;
    }

    /// <summary>The first cycle a depth-first walk meets, and the file whose using closes it.</summary>
    private static (List<string> Cycle, string File)? FindCycle(Dictionary<string, Dictionary<string, string>> graph)
    {
        var done = new HashSet<string>();
        var path = new List<string>();
        (List<string>, string)? Visit(string folder)
        {
            path.Add(folder);
            foreach (var (target, file) in graph.GetValueOrDefault(folder) ?? [])
            {
                var at = path.IndexOf(target);
                if (at >= 0) return ([.. path[at..], target], file);
                if (done.Contains(target)) continue;
                if (Visit(target) is { } found) return found;
            }
            path.RemoveAt(path.Count - 1);
            done.Add(folder);
            return null;
        }
        foreach (var folder in graph.Keys)
            if (!done.Contains(folder) && Visit(folder) is { } cycle) return cycle;
        return null;
    }

    [GeneratedRegex(@"^using Parley\.Server\.(\w+);")]
    private static partial Regex UsingLine();
}
