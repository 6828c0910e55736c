namespace Catapults.ML.Data;

/// <summary>Checks shared by the data options.</summary>
internal static class OptionChecks
{
    /// <summary>
    /// Refuses an enum value outside its declared members, e.g. <c>(FeatureLayout)77</c>: a switch that ends in a
    /// default case would otherwise treat it as one of them without a word.
    /// </summary>
    /// <param name="value">The value set.</param>
    /// <param name="option">The option as the user spells it, e.g. "ImageDatasetOptions.Layout".</param>
    /// <param name="paramName">The argument that carried it.</param>
    public static void RequireDefined<T>(T value, string option, string paramName) where T : struct, Enum
    {
        if (!Enum.IsDefined(value))
            throw new ArgumentOutOfRangeException(paramName,
                $"{option} is {value}, which is not a {typeof(T).Name}; use one of {string.Join(", ", Enum.GetNames<T>())}.");
    }
}
