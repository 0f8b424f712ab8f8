using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Parley.Server.Api;

/// <summary>
/// Writes JSON that is stored as JSON (a message payload as text, an event payload as UTF-8) as it is, without
/// parsing it again; it was validated on the way in.
/// </summary>
public sealed class RawJsonConverter : JsonConverterFactory
{
    public override bool CanConvert(Type typeToConvert) => typeToConvert == typeof(string) || typeToConvert == typeof(ReadOnlyMemory<byte>);

    public override JsonConverter CreateConverter(Type typeToConvert, JsonSerializerOptions options) =>
        typeToConvert == typeof(string) ? new Text() : new Utf8();

    private sealed class Text : JsonConverter<string?>
    {
        public override bool HandleNull => true;

        public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            using var doc = JsonDocument.ParseValue(ref reader);
            return doc.RootElement.ValueKind == JsonValueKind.Null ? null : doc.RootElement.GetRawText();
        }

        public override void Write(Utf8JsonWriter writer, string? value, JsonSerializerOptions options)
        {
            if (value is null) writer.WriteNullValue();
            else writer.WriteRawValue(value, skipInputValidation: true);
        }
    }

    private sealed class Utf8 : JsonConverter<ReadOnlyMemory<byte>>
    {
        public override ReadOnlyMemory<byte> Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            Encoding.UTF8.GetBytes(JsonDocument.ParseValue(ref reader).RootElement.GetRawText());

        public override void Write(Utf8JsonWriter writer, ReadOnlyMemory<byte> value, JsonSerializerOptions options) =>
            writer.WriteRawValue(value.Span, skipInputValidation: true);
    }
}
