using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;

namespace Parley.Server.Api;

/// <summary>
/// A JSON request body read tolerantly: top-level snake_case keys (<c>conversation_id</c>, <c>_id</c>) are
/// accepted as camelCase, names match case-insensitively, an empty body is <c>{}</c>. Nested objects
/// (message payloads) are left exactly as sent.
/// </summary>
public sealed class Body<T>(T value) : IBindableFromHttpContext<Body<T>> where T : class
{
    public T Value { get; } = value;

    public static async ValueTask<Body<T>?> BindAsync(HttpContext context, ParameterInfo parameter)
    {
        var request = context.Request;
        if (request.ContentLength is > 0 || request.Headers.TransferEncoding.Count > 0)
        {
            if (!request.HasJsonContentType())
                throw new BadHttpRequestException("Content-Type must be application/json", StatusCodes.Status415UnsupportedMediaType);
        }

        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, context.RequestAborted);
        var json = buffer.GetBuffer().AsMemory(0, (int)buffer.Length);
        var options = context.RequestServices.GetRequiredService<IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions>>().Value.SerializerOptions;
        if (json.Length == 0) json = "{}"u8.ToArray();
        if (JsonText.Check(json.Span) is { } problem)
        {
            if (problem.Field == "body") throw new BadHttpRequestException(problem.Problem, StatusCodes.Status400BadRequest);
            throw new BodyFieldException(problem.Field, problem.Problem, new JsonException(problem.Problem));
        }
        bool renaming;
        try
        {
            renaming = NeedsRenaming(json.Span);
        }
        catch (JsonException e)
        {
            throw new BadHttpRequestException($"Malformed JSON: {e.Message}", StatusCodes.Status400BadRequest, e);
        }
        // Most bodies are already camelCase: deserialise straight from the bytes; only snake_case keys need the DOM pass.
        var value = renaming
            ? Deserialize(() => Normalize(JsonNode.Parse(json.Span)!.AsObject()).Deserialize<T>(options))
            : Deserialize(() => JsonSerializer.Deserialize<T>(json.Span, options));
        return new Body<T>(value);
    }

    /// <summary>The same tolerant reading for an object that arrived another way (a WebSocket request's data).</summary>
    public static Outcome<T> Read(JsonObject obj, JsonSerializerOptions options)
    {
        try { return Deserialize(() => Normalize(obj).Deserialize<T>(options)); }
        catch (BodyFieldException e) { return Failure.Invalid(e.Field, e.Problem); }
    }

    /// <summary>Runs a deserialisation of well-formed JSON; a failure there is a field of the wrong type.</summary>
    private static T Deserialize(Func<T?> deserialize)
    {
        try
        {
            return deserialize() ?? throw new JsonException("empty body");
        }
        catch (JsonException e)
        {
            var field = e.Path is { Length: > 2 } path ? path.TrimStart('$', '.') : "body";
            throw new BodyFieldException(field, "Has the wrong type (for example text where a list or a number is expected)", e);
        }
    }

    /// <summary>
    /// Validates that the body (already checked by <see cref="JsonText"/>) is one JSON object without a repeated key
    /// and tells whether any top-level key has an underscore.
    /// </summary>
    private static bool NeedsRenaming(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            throw new BadHttpRequestException("The request body must be a JSON object", StatusCodes.Status400BadRequest);
        var renaming = false;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = reader.GetString()!;
            if (!seen.Add(name)) throw new JsonException($"Duplicate property '{name}'");
            renaming |= name.Contains('_');
            reader.Read();
            reader.Skip();
        }
        if (reader.TokenType != JsonTokenType.EndObject || reader.Read())
            throw new JsonException("Unexpected content after the JSON object");
        return renaming;
    }

    private static JsonObject Normalize(JsonObject source)
    {
        var result = new JsonObject(new JsonNodeOptions { PropertyNameCaseInsensitive = true });
        foreach (var (key, value) in source.ToList())
        {
            source.Remove(key);
            result[CamelCase(key)] = value;
        }
        return result;
    }

    internal static string CamelCase(string key)
    {
        if (key == "_id") return "id";
        if (!key.Contains('_')) return key;
        var parts = key.Split('_', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length == 0) return key;
        return parts[0] + string.Concat(parts.Skip(1).Select(p => char.ToUpperInvariant(p[0]) + p[1..]));
    }
}

/// <summary>A body field whose JSON type is wrong; answered as a 400 naming the field.</summary>
public sealed class BodyFieldException(string field, string problem, Exception inner)
    : BadHttpRequestException($"Invalid value for '{field}'", StatusCodes.Status400BadRequest, inner)
{
    public string Field { get; } = field;
    public string Problem { get; } = problem;
}
