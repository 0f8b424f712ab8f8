namespace Parley.Server.Api;

/// <summary>Collects per-field problems so a 400 names every field at once.</summary>
public sealed class Validator
{
    private readonly Dictionary<string, List<string>> _errors = new(StringComparer.Ordinal);

    public bool Failed => _errors.Count > 0;

    public Validator Check(bool ok, string field, string message)
    {
        if (!ok) Add(field, message);
        return this;
    }

    public void Add(string field, string message)
    {
        if (!_errors.TryGetValue(field, out var list)) _errors[field] = list = [];
        list.Add(message);
    }

    public IReadOnlyDictionary<string, string[]> Details => _errors.ToDictionary(e => e.Key, e => e.Value.ToArray());

    public IResult Result() => ApiError.Validation(Details);

    /// <summary>The same 400 as <see cref="Result"/>, as a value for services shared with the gateway.</summary>
    public Failure ToFailure() => new(400, "validation_failed", "Validation failed: " + string.Join(", ", _errors.Keys), Details);

    public static IResult Single(string field, string message) => new Validator().Check(false, field, message).Result();
}
