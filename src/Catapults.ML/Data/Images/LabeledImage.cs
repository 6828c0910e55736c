namespace Catapults.ML.Data.Images;

/// <summary>
/// One decoded image as a reader yields it: its index in the split (file order), its class in the dataset's own
/// numbering, and its pixels as bytes in channel-major order [C, H, W]. The pixel array is the caller's to keep.
/// </summary>
public readonly record struct LabeledImage(int RecordIndex, int Label, byte[] Pixels);
