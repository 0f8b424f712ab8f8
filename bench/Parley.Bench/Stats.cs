namespace Parley.Bench;

/// <summary>Latency samples in milliseconds and their percentiles (exact, from the sorted samples).</summary>
public sealed class Samples
{
    private readonly List<double> _values = [];
    private readonly Lock _gate = new();

    public void Add(double ms) { lock (_gate) _values.Add(ms); }

    public void AddRange(IEnumerable<double> ms) { lock (_gate) _values.AddRange(ms); }

    public int Count => _values.Count;

    public IReadOnlyList<double> Values { get { lock (_gate) return [.. _values]; } }

    public void Clear() { lock (_gate) _values.Clear(); }

    public LatencySummary Summarize()
    {
        lock (_gate)
        {
            if (_values.Count == 0) return new LatencySummary(0, 0, 0, 0, 0);
            var sorted = _values.ToArray();
            Array.Sort(sorted);
            return new LatencySummary(sorted.Length, At(sorted, 0.50), At(sorted, 0.99), sorted[^1], sorted.Average());
        }
    }

    private static double At(double[] sorted, double q) => sorted[Math.Clamp((int)Math.Ceiling(q * sorted.Length) - 1, 0, sorted.Length - 1)];
}

public sealed record LatencySummary(int Count, double P50Ms, double P99Ms, double MaxMs, double MeanMs);
