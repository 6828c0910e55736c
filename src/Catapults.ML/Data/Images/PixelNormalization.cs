namespace Catapults.ML.Data.Images;

/// <summary>How pixel bytes (0–255) become feature values.</summary>
public enum PixelNormalization
{
    /// <summary>The raw byte value, 0–255.</summary>
    None,
    /// <summary>byte / 255, in [0, 1].</summary>
    UnitRange,
    /// <summary>
    /// Per channel c: (byte / 255 − mean_c) / std_c, with mean and (population) standard deviation of byte / 255
    /// over the training split's selected images, or the statistics passed in <see cref="ImageDatasetOptions.Statistics"/>.
    /// </summary>
    Standardize,
}
