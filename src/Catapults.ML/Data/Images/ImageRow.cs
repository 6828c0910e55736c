namespace Catapults.ML.Data.Images;

/// <summary>One prepared row: the record it came from, its class 0..K−1, and its normalised features (C·H·W, channel-major).</summary>
public readonly record struct ImageRow(int RecordIndex, int ClassIndex, float[] Features);
