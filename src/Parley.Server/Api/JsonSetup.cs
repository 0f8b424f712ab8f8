using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace Parley.Server.Api;

public static class JsonSetup
{
    private static readonly Lock Gate = new();
    private static IJsonTypeInfoResolver[] _contexts = [ApiJsonContext.Default];

    /// <summary>
    /// The features' source-generated contexts join the shared one (composition, in Program.cs): HTTP and
    /// <see cref="Default"/> (events, socket frames) then serialise their shapes without reflection.
    /// </summary>
    public static IServiceCollection AddParleyJson(this IServiceCollection services, params IJsonTypeInfoResolver[] contexts)
    {
        lock (Gate)
        {
            var added = contexts.Where(c => !_contexts.Contains(c)).ToArray();
            if (added.Length > 0)
            {
                _contexts = [.. _contexts, .. added];
                Default = Apply(new JsonSerializerOptions(JsonSerializerDefaults.Web));
            }
        }
        return services.ConfigureHttpJsonOptions(o => Apply(o.SerializerOptions));
    }

    /// <summary>camelCase out, case-insensitive in, timestamps as ISO 8601 UTC with milliseconds.</summary>
    public static JsonSerializerOptions Apply(JsonSerializerOptions options)
    {
        options.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
        options.PropertyNameCaseInsensitive = true;
        options.NumberHandling = JsonNumberHandling.AllowReadingFromString;
        options.Converters.Add(new UtcMillisecondsConverter());
        options.TypeInfoResolver = JsonTypeInfoResolver.Combine([.. _contexts, new DefaultJsonTypeInfoResolver()]);
        return options;
    }

    public static JsonSerializerOptions Default { get; private set; } = Apply(new JsonSerializerOptions(JsonSerializerDefaults.Web));

    private static readonly JsonSerializerOptions Unescaped = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>
    /// Client-supplied JSON (payloads, notification data) as stored: compact, and without \u escapes, so size
    /// limits count the data's UTF-8 bytes rather than how the client's serialiser chose to escape them.
    /// </summary>
    public static string Compact(JsonElement value) => JsonSerializer.Serialize(value, Unescaped);
}

public sealed class UtcMillisecondsConverter : JsonConverter<DateTimeOffset>
{
    public const string Format = "yyyy-MM-dd'T'HH:mm:ss.fff'Z'";

    /// <summary>Anything but a date string is a JsonException, which the body reader answers with a 400 naming the field.</summary>
    public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType == JsonTokenType.String
        && DateTimeOffset.TryParse(reader.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var value)
            ? value
            : throw new JsonException("Must be a date and time (ISO 8601)");

    public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options)
    {
        Span<char> buffer = stackalloc char[24];
        value.UtcDateTime.TryFormat(buffer, out var written, Format, CultureInfo.InvariantCulture);
        writer.WriteStringValue(buffer[..written]);
    }
}
