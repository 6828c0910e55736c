using System.Reflection;
using System.Text.Json;

namespace Catapults.ML.Probes;

/// <summary>
/// Checks records read back from a probe state. JSON deserialisation accepts <c>null</c> for a record and leaves a
/// missing list null even where the record type declares it non-nullable; such a record would only fail later, with a
/// NullReferenceException far from the damaged state, so a state is checked when it is read.
/// </summary>
internal static class RecordChecks
{
    /// <summary>
    /// Throws a <see cref="JsonException"/> naming the first record of <paramref name="records"/> that is null or has
    /// null in a property its type declares non-nullable; <paramref name="what"/> names the list (e.g. "record").
    /// </summary>
    public static void RequireComplete<T>(IReadOnlyList<T?> records, string what)
    {
        var required = RequiredProperties(typeof(T));
        for (int i = 0; i < records.Count; i++)
        {
            if (records[i] is not { } record) throw new JsonException($"{what} {i} is null.");
            foreach (var property in required)
                if (property.GetValue(record) is null)
                    throw new JsonException($"{what} {i} has no '{JsonNamingPolicy.CamelCase.ConvertName(property.Name)}'.");
        }
    }

    // The public reference-typed properties declared non-nullable (value types cannot be null).
    private static PropertyInfo[] RequiredProperties(Type type)
    {
        var context = new NullabilityInfoContext();
        return type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.CanRead && p.GetIndexParameters().Length == 0 && !p.PropertyType.IsValueType
                        && context.Create(p).ReadState == NullabilityState.NotNull)
            .ToArray();
    }
}
