using System.Globalization;
using System.Text.Json.Nodes;
using Catapults.ML.Runtime;
using Microsoft.Data.Analysis;

namespace Catapults.Pipelines.Persistence;

/// <summary>
/// Writes a DataFrame as JSON, column by column, and reads it back with the same column types and nulls:
/// <c>{"rows": n, "columns": [{"name", "type", "values": [...]}]}</c>. Types: Boolean, Int32, Int64, Single, Double and
/// String. Non-finite floats are written as the strings "NaN", "Infinity" and "-Infinity" (JSON has no such numbers);
/// doubles use the shortest representation that reads back to the same value.
/// </summary>
internal static class TableJson
{
    public static JsonObject Write(DataFrame table)
    {
        var columns = new JsonArray();
        foreach (var column in table.Columns)
        {
            string type = TypeName(column.DataType, column.Name);
            var values = new JsonArray();
            for (long i = 0; i < column.Length; i++) values.Add(ToNode(column[i]));
            columns.Add(new JsonObject { ["name"] = column.Name, ["type"] = type, ["values"] = values });
        }
        return new JsonObject { ["rows"] = table.Rows.Count, ["columns"] = columns };
    }

    public static DataFrame Read(JsonObject json, string what)
    {
        var columns = new List<DataFrameColumn>();
        JsonFields.RequireKnown(json, what, "rows", "columns");
        // Each column is checked against the declared count: columns that all lost the same last values would
        // otherwise make a shorter table without complaint.
        int rows = JsonFields.RequiredCount(json, "rows", what);
        var all = JsonFields.RequiredArray(json, "columns", what);
        if (all.Count == 0 && rows != 0) throw new InvalidDataException($"{what}: the table declares {rows} rows but has no columns.");
        for (int index = 0; index < all.Count; index++)
        {
            var c = all[index] as JsonObject ?? throw new InvalidDataException($"{what}: columns[{index}] is not a JSON object.");
            JsonFields.RequireKnown(c, $"{what}: columns[{index}]", "name", "type", "values");
            string name = JsonFields.Required<string>(c, "name", $"{what}: columns[{index}]");
            // The name and type come from the file: messages quote them visibly and cut, never raw.
            string place = $"{what}: column '{ErrorText.Excerpt(name)}'";
            string type = JsonFields.Required<string>(c, "type", place);
            var values = JsonFields.RequiredArray(c, "values", place);
            int n = values.Count;
            if (n != rows) throw new InvalidDataException($"{place} holds {n} values, but the table declares {rows} rows.");
            T? Value<T>(JsonNode? v, int row) where T : struct => v is null ? null : JsonFields.ValueOf<T>(v, $"{place}, row {row}");
            double? Number(JsonNode? v, int row) => v is null ? null : ReadDouble(v, $"{place}, row {row}");
            DataFrameColumn column = type switch
            {
                "Boolean" => new BooleanDataFrameColumn(name, values.Select(Value<bool>)),
                "Int32" => new Int32DataFrameColumn(name, values.Select(Value<int>)),
                "Int64" => new Int64DataFrameColumn(name, values.Select(Value<long>)),
                "Single" => new SingleDataFrameColumn(name, values.Select((v, row) => (float?)Number(v, row))),
                "Double" => new DoubleDataFrameColumn(name, values.Select(Number)),
                "String" => new StringDataFrameColumn(name, values.Select((v, row) => v is null ? null : JsonFields.ValueOf<string>(v, $"{place}, row {row}"))),
                _ => throw new InvalidDataException($"{place} has type '{ErrorText.Excerpt(type)}'; expected Boolean, Int32, Int64, Single, Double or String."),
            };
            columns.Add(column);
        }
        try
        {
            return new DataFrame(columns);
        }
        catch (ArgumentException ex)
        {
            // Microsoft.Data.Analysis refuses columns of different lengths or repeated names.
            throw new InvalidDataException($"{what}: the columns do not make a table ({ErrorText.OneLine(ErrorText.MessageOf(ex))}).", ex);
        }
    }

    private static string TypeName(Type type, string column) =>
        type == typeof(bool) ? "Boolean"
        : type == typeof(int) ? "Int32"
        : type == typeof(long) ? "Int64"
        : type == typeof(float) ? "Single"
        : type == typeof(double) ? "Double"
        : type == typeof(string) ? "String"
        : throw new NotSupportedException(
            $"Report tables can hold Boolean, Int32, Int64, Single, Double and String columns; column '{column}' holds {type.Name}.");

    private static JsonNode? ToNode(object? value) => value switch
    {
        null => null,
        bool b => JsonValue.Create(b),
        int i => JsonValue.Create(i),
        long l => JsonValue.Create(l),
        float f => float.IsFinite(f) ? JsonValue.Create((double)f) : JsonValue.Create(NonFinite(f)),
        double d => double.IsFinite(d) ? JsonValue.Create(d) : JsonValue.Create(NonFinite(d)),
        string s => JsonValue.Create(s),
        _ => throw new NotSupportedException($"Cannot write a {value.GetType().Name} into a report table."),
    };

    internal static string NonFinite(double value) =>
        double.IsNaN(value) ? "NaN" : value > 0 ? "Infinity" : "-Infinity";

    /// <summary>A number as <see cref="Number"/> writes it; <paramref name="what"/> names the value when it is not one.</summary>
    /// <exception cref="InvalidDataException">The node is neither a number nor "NaN", "Infinity" or "-Infinity" (or a numeric string).</exception>
    internal static double ReadDouble(JsonNode node, string what)
    {
        try
        {
            var value = node.AsValue();
            if (value.TryGetValue<double>(out var d)) return d;
            return value.GetValue<string>() switch
            {
                "NaN" => double.NaN,
                "Infinity" => double.PositiveInfinity,
                "-Infinity" => double.NegativeInfinity,
                var s => double.Parse(s, CultureInfo.InvariantCulture),
            };
        }
        catch (Exception ex) when (ex is FormatException or InvalidOperationException)
        {
            throw new InvalidDataException($"{what} must be a number, \"NaN\", \"Infinity\" or \"-Infinity\", got {ErrorText.Excerpt(node.ToJsonString(), 40)}.", ex);
        }
    }

    internal static JsonNode Number(double value) => double.IsFinite(value) ? JsonValue.Create(value) : JsonValue.Create(NonFinite(value));
}
