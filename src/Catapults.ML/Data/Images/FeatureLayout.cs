namespace Catapults.ML.Data.Images;

/// <summary>Shape of the feature tensor of an image dataset.</summary>
public enum FeatureLayout
{
    /// <summary>[n, C·H·W], channel-major (all of channel 0, row by row, then channel 1, …).</summary>
    Flat,
    /// <summary>[n, C, H, W].</summary>
    Image,
}
