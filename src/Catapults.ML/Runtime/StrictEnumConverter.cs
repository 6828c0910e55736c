using System.Text.Json;
using System.Text.Json.Serialization;

namespace Catapults.ML.Runtime;

/// <summary>
/// Reads and writes an enum as exactly one of its member names, in their case. Every JSON file the library and the
/// study write uses it, as a type's converter and in the serializer options.
/// </summary>
/// <remarks>
/// <see cref="JsonStringEnumConverter"/> also reads a number (<c>2</c> or <c>"2"</c>), a name in another case and
/// names joined by a comma (<c>"Sgd, Adam"</c>), so a hand-edited or damaged file could choose a member it never named.
/// A value that is not exactly a name is refused with the serializer's own message, which names the field and the type.
/// </remarks>
public sealed class StrictEnumConverter : JsonConverterFactory
{
    /// <summary>
    /// Reads <paramref name="name"/> as the member of that exact name; false for anything else, where
    /// <see cref="Enum.TryParse{TEnum}(string, out TEnum)"/> would also take " 1", "+1", another case or "A, B".
    /// </summary>
    public static bool TryParseName<TEnum>(string? name, out TEnum value) where TEnum : struct, Enum
    {
        value = default;
        return name is not null && Enum.GetNames<TEnum>().Contains(name, StringComparer.Ordinal) && Enum.TryParse(name, out value);
    }

    /// <inheritdoc />
    public override bool CanConvert(Type typeToConvert) => typeToConvert.IsEnum;

    /// <inheritdoc />
    public override JsonConverter CreateConverter(Type typeToConvert, JsonSerializerOptions options) =>
        (JsonConverter)Activator.CreateInstance(typeof(NameConverter<>).MakeGenericType(typeToConvert))!;

    private sealed class NameConverter<TEnum> : JsonConverter<TEnum> where TEnum : struct, Enum
    {
        public override TEnum Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            reader.TokenType == JsonTokenType.String ? Parse(reader.GetString()) : throw new JsonException();

        public override void Write(Utf8JsonWriter writer, TEnum value, JsonSerializerOptions options) =>
            writer.WriteStringValue(NameOf(value));

        public override TEnum ReadAsPropertyName(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            Parse(reader.GetString());

        public override void WriteAsPropertyName(Utf8JsonWriter writer, TEnum value, JsonSerializerOptions options) =>
            writer.WritePropertyName(NameOf(value));

        // A message-less JsonException lets the serializer add the field's path and the type to its message.
        private static TEnum Parse(string? name) => TryParseName(name, out TEnum value) ? value : throw new JsonException();

        // An undefined value (a cast number, or flags combined) has no name a reader would accept.
        private static string NameOf(TEnum value) =>
            Enum.IsDefined(value) ? value.ToString() : throw new JsonException($"{value} is not a member of {typeof(TEnum).Name}, so it has no name to write.");
    }
}
