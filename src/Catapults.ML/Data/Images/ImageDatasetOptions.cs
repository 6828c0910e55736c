using Catapults.ML.Runtime;

namespace Catapults.ML.Data.Images;

/// <summary>Options every image loader shares: which images, which labels, and how pixels become features.</summary>
public sealed class ImageDatasetOptions
{
    /// <summary>Which split to read. Default <see cref="DatasetSplit.Train"/>.</summary>
    public DatasetSplit Split { get; set; } = DatasetSplit.Train;

    /// <summary>
    /// A subset of classes, by the dataset's own labels (e.g. SVHN digits {3, 8}); the subset's order numbers the
    /// new classes 0..K−1. Default null: every class, in the dataset's order.
    /// </summary>
    public IReadOnlyList<int>? Classes { get; set; }

    /// <summary>
    /// How many images to draw per class, uniformly without replacement with <see cref="Seed"/>; a class with fewer
    /// images is an error, never a smaller set. Default null: every image of the selected classes.
    /// </summary>
    public int? SamplesPerClass { get; set; }

    /// <summary>Seed of the per-class draw. The same seed, split and classes always select the same images. Default 0.</summary>
    public long Seed { get; set; }

    /// <summary>Target encoding. Default <see cref="LabelMapping.ClassIndex"/> (for cross-entropy).</summary>
    public LabelMapping Labels { get; set; } = LabelMapping.ClassIndex;

    /// <summary>Pixel normalisation. Default <see cref="PixelNormalization.UnitRange"/> (byte / 255).</summary>
    public PixelNormalization Normalization { get; set; } = PixelNormalization.UnitRange;

    /// <summary>
    /// Statistics for <see cref="PixelNormalization.Standardize"/>. Default null: computed on the training split
    /// with this same class subset, n per class and seed (for the training split itself, on the images being
    /// loaded). Pass the training set's <c>Statistics</c> when loading its test set to skip the extra pass.
    /// </summary>
    public ChannelStatistics? Statistics { get; set; }

    /// <summary>Feature tensor layout. Default <see cref="FeatureLayout.Flat"/> [n, C·H·W].</summary>
    public FeatureLayout Layout { get; set; } = FeatureLayout.Flat;

    /// <summary>Refuses a value outside its enum in any of the options, naming the option.</summary>
    internal void Validate()
    {
        OptionChecks.RequireDefined(Split, "ImageDatasetOptions.Split", "options");
        OptionChecks.RequireDefined(Labels, "ImageDatasetOptions.Labels", "options");
        OptionChecks.RequireDefined(Normalization, "ImageDatasetOptions.Normalization", "options");
        OptionChecks.RequireDefined(Layout, "ImageDatasetOptions.Layout", "options");
    }

    /// <summary>A copy with another split (the rest unchanged, so a setting added later is carried over too).</summary>
    public ImageDatasetOptions WithSplit(DatasetSplit split)
    {
        var copy = (ImageDatasetOptions)MemberwiseClone();
        copy.Split = split;
        return copy;
    }
}
