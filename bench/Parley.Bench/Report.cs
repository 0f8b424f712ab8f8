using System.Text.Json;

namespace Parley.Bench;

/// <summary>Prints a table and writes the same rows as JSON under bench/results/.</summary>
public sealed class Report(string scenario)
{
    private readonly List<Dictionary<string, object?>> _rows = [];
    private readonly Dictionary<string, object?> _facts = new()
    {
        ["scenario"] = scenario,
        ["startedAt"] = DateTimeOffset.UtcNow,
        ["machine"] = $"{Environment.ProcessorCount} cores, {Environment.OSVersion}",
    };

    public void Fact(string name, object? value) => _facts[name] = value;

    public void Row(Dictionary<string, object?> row)
    {
        _rows.Add(row);
        Console.WriteLine(string.Join("  ", row.Select(kv => $"{kv.Key}={Format(kv.Value)}")));
    }

    public string Write(string directory)
    {
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, $"{_facts["scenario"]}-{DateTimeOffset.UtcNow:yyyyMMdd-HHmmss}.json");
        _facts["rows"] = _rows;
        File.WriteAllText(path, JsonSerializer.Serialize(_facts, new JsonSerializerOptions { WriteIndented = true }));
        Console.WriteLine();
        PrintTable();
        Console.WriteLine($"\nresults written to {path}");
        return path;
    }

    private void PrintTable()
    {
        if (_rows.Count == 0) return;
        var columns = _rows.SelectMany(r => r.Keys).Distinct().ToList();
        var widths = columns.ToDictionary(c => c, c => Math.Max(c.Length, _rows.Max(r => Format(r.GetValueOrDefault(c)).Length)));
        Console.WriteLine("| " + string.Join(" | ", columns.Select(c => c.PadRight(widths[c]))) + " |");
        Console.WriteLine("|" + string.Join("|", columns.Select(c => new string('-', widths[c] + 2))) + "|");
        foreach (var row in _rows)
            Console.WriteLine("| " + string.Join(" | ", columns.Select(c => Format(row.GetValueOrDefault(c)).PadRight(widths[c]))) + " |");
    }

    private static string Format(object? value) => value switch
    {
        double d => d.ToString(d >= 100 ? "F0" : "F2"),
        null => "",
        _ => value.ToString() ?? "",
    };
}
