namespace Catapults.ML.Runtime;

/// <summary>
/// Checks shared by the engine's options; public so that the libraries built on it (Catapults.Pipelines) refuse a bad
/// option in the same words.
/// </summary>
public static class OptionChecks
{
    /// <summary>
    /// Refuses an enum value outside its declared members, e.g. <c>(FeatureLayout)77</c> or a number in JSON: a switch
    /// that ends in a default case would otherwise treat it as one of them without a word.
    /// </summary>
    /// <param name="value">The value set.</param>
    /// <param name="option">The option as the user spells it, e.g. "ImageDatasetOptions.Layout".</param>
    /// <param name="paramName">The argument that carried it.</param>
    /// <exception cref="ArgumentOutOfRangeException">The value is not declared: "<paramref name="option"/> must be one of …, got 77."</exception>
    public static void RequireDefined<T>(T value, string option, string paramName) where T : struct, Enum
    {
        if (!Enum.IsDefined(value))
            throw new ArgumentOutOfRangeException(paramName, $"{option} must be one of {string.Join(", ", Enum.GetNames<T>())}, got {value}.");
    }
}
