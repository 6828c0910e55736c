using System.Globalization;
using Catapults.ML.Runtime;

namespace Catapults.Pipelines.Prediction;

/// <summary>
/// The values behind a key-typed label (ML.NET's <c>KeyValues</c> annotation), kept so that the predicted label can carry
/// them (<c>MapKeyToValue</c> then works on it) and the score's slots can be named after the classes. Text, Boolean and
/// every numeric item type are supported; keys with values of another type are kept without values.
/// </summary>
internal sealed class KeyValueSet
{
    internal const string KeyValuesKind = "KeyValues";
    internal const string SlotNamesKind = "SlotNames";

    private static readonly Dictionary<Type, string> Names = new()
    {
        [typeof(ReadOnlyMemory<char>)] = "Text", [typeof(bool)] = "Boolean", [typeof(float)] = "Single",
        [typeof(double)] = "Double", [typeof(sbyte)] = "SByte", [typeof(byte)] = "Byte", [typeof(short)] = "Int16",
        [typeof(ushort)] = "UInt16", [typeof(int)] = "Int32", [typeof(uint)] = "UInt32", [typeof(long)] = "Int64",
        [typeof(ulong)] = "UInt64",
    };

    private KeyValueSet(PrimitiveDataViewType itemType, Array values)
    {
        ItemType = itemType;
        Values = values;
    }

    /// <summary>The item type of the values.</summary>
    public PrimitiveDataViewType ItemType { get; }

    /// <summary>The values, an array of the item type's raw type; index i belongs to key i + 1.</summary>
    public Array Values { get; }

    /// <summary>Number of values (the key's cardinality).</summary>
    public int Count => Values.Length;

    /// <summary>
    /// A set of <paramref name="count"/> default values of <paramref name="itemType"/>, standing in for values not known
    /// yet (an estimator's output schema shape); null when the type is not supported.
    /// </summary>
    public static KeyValueSet? Placeholder(DataViewType itemType, int count) =>
        itemType is PrimitiveDataViewType primitive && Names.ContainsKey(primitive.RawType)
            ? new KeyValueSet(primitive, Array.CreateInstance(primitive.RawType, count))
            : null;

    /// <summary>Reads the key values of <paramref name="column"/>, or null when it has none of a supported type or count.</summary>
    public static KeyValueSet? FromColumn(DataViewSchema.Column column, int count)
    {
        var annotation = column.Annotations.Schema.GetColumnOrNull(KeyValuesKind);
        if (annotation is not { Type: VectorDataViewType { ItemType: PrimitiveDataViewType item } vector } || vector.Size != count)
            return null;
        if (!Names.ContainsKey(item.RawType)) return null;
        var method = typeof(KeyValueSet).GetMethod(nameof(ReadValues), System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)!
            .MakeGenericMethod(item.RawType);
        var values = (Array)method.Invoke(null, new object[] { column.Annotations, count })!;
        return new KeyValueSet(item, values);
    }

    private static T[] ReadValues<T>(DataViewSchema.Annotations annotations, int count)
    {
        var buffer = default(VBuffer<T>);
        annotations.GetValue(KeyValuesKind, ref buffer);
        var result = new T[count];
        buffer.CopyTo(result);
        return result;
    }

    /// <summary>Adds the values as a <c>KeyValues</c> annotation.</summary>
    public void AddKeyValues(DataViewSchema.Annotations.Builder builder)
    {
        var method = typeof(KeyValueSet).GetMethod(nameof(AddTyped), System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance)!
            .MakeGenericMethod(ItemType.RawType);
        method.Invoke(this, new object[] { builder });
    }

    private void AddTyped<T>(DataViewSchema.Annotations.Builder builder)
    {
        var values = (T[])Values;
        builder.Add(KeyValuesKind, new VectorDataViewType(ItemType, values.Length),
            // A fresh array per call: a consumer may edit the buffer it is handed.
            (ref VBuffer<T> dst) => dst = new VBuffer<T>(values.Length, (T[])values.Clone()));
    }

    /// <summary>The values as class names (text), for the score column's slot names.</summary>
    public string[] ToNames() => ToStrings();

    /// <summary>The values as invariant-culture strings (text as is), for persistence and names.</summary>
    public string[] ToStrings()
    {
        var result = new string[Count];
        for (int i = 0; i < Count; i++)
        {
            object value = Values.GetValue(i)!;
            result[i] = value switch
            {
                ReadOnlyMemory<char> text => text.ToString(),
                bool b => b ? "true" : "false",
                float f => f.ToString("R", CultureInfo.InvariantCulture),
                double d => d.ToString("R", CultureInfo.InvariantCulture),
                IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
                _ => value.ToString() ?? "",
            };
        }
        return result;
    }

    /// <summary>The name of the item type, as stored in a saved model.</summary>
    public string TypeName => Names[ItemType.RawType];

    /// <summary>Rebuilds a set from <see cref="TypeName"/> and <see cref="ToStrings"/>.</summary>
    public static KeyValueSet FromStrings(string typeName, IReadOnlyList<string> values)
    {
        var c = CultureInfo.InvariantCulture;
        (PrimitiveDataViewType type, Array array) = typeName switch
        {
            "Text" => ((PrimitiveDataViewType)TextDataViewType.Instance, (Array)values.Select(v => v.AsMemory()).ToArray()),
            "Boolean" => (BooleanDataViewType.Instance, Parse(values, bool.Parse)),
            "Single" => (NumberDataViewType.Single, Parse(values, v => float.Parse(v, c))),
            "Double" => (NumberDataViewType.Double, Parse(values, v => double.Parse(v, c))),
            "SByte" => (NumberDataViewType.SByte, Parse(values, v => sbyte.Parse(v, c))),
            "Byte" => (NumberDataViewType.Byte, Parse(values, v => byte.Parse(v, c))),
            "Int16" => (NumberDataViewType.Int16, Parse(values, v => short.Parse(v, c))),
            "UInt16" => (NumberDataViewType.UInt16, Parse(values, v => ushort.Parse(v, c))),
            "Int32" => (NumberDataViewType.Int32, Parse(values, v => int.Parse(v, c))),
            "UInt32" => (NumberDataViewType.UInt32, Parse(values, v => uint.Parse(v, c))),
            "Int64" => (NumberDataViewType.Int64, Parse(values, v => long.Parse(v, c))),
            "UInt64" => (NumberDataViewType.UInt64, Parse(values, v => ulong.Parse(v, c))),
            _ => throw new InvalidDataException($"Unknown key value type '{ErrorText.Excerpt(typeName)}' in the saved model."),
        };
        return new KeyValueSet(type, array);
    }

    // A value that does not parse is named by its position and quoted as an excerpt: .NET's own message quotes it whole.
    private static T[] Parse<T>(IReadOnlyList<string> values, Func<string, T> parse)
    {
        var parsed = new T[values.Count];
        for (int i = 0; i < parsed.Length; i++)
        {
            try
            {
                parsed[i] = parse(values[i]);
            }
            catch (Exception ex) when (ex is FormatException or OverflowException)
            {
                throw new InvalidDataException($"key value {i}, '{ErrorText.Excerpt(values[i])}', is not a {typeof(T).Name}.", ex);
            }
        }
        return parsed;
    }
}
