namespace Catapults.ML.Data.Images;

/// <summary>
/// Maps pixel bytes to feature values through one 256-entry table per channel, so every path (tensor, IDataView)
/// computes bit-identical values.
/// </summary>
internal sealed class PixelTransform
{
    private readonly float[][] _tables;
    private readonly int _plane;

    public PixelTransform(ImageShape shape, PixelNormalization normalization, ChannelStatistics? statistics)
    {
        _plane = shape.PlaneSize;
        if (normalization == PixelNormalization.Standardize)
        {
            if (statistics is null) throw new ArgumentNullException(nameof(statistics), "Standardize needs channel statistics.");
            if (statistics.Channels != shape.Channels)
                throw new ArgumentException(
                    $"The channel statistics have {statistics.Channels} channels but the images have {shape.Channels}.", nameof(statistics));
        }
        _tables = new float[shape.Channels][];
        for (int c = 0; c < shape.Channels; c++)
        {
            var table = new float[256];
            for (int b = 0; b < 256; b++)
                table[b] = normalization switch
                {
                    PixelNormalization.None => b,
                    PixelNormalization.UnitRange => (float)(b / 255.0),
                    PixelNormalization.Standardize => (float)((b / 255.0 - statistics!.Mean[c]) / statistics.Std[c]),
                    _ => throw new ArgumentOutOfRangeException(nameof(normalization), normalization, "Unknown pixel normalisation."),
                };
            _tables[c] = table;
        }
    }

    /// <summary>Feature value of byte <paramref name="value"/> in <paramref name="channel"/>.</summary>
    public float this[int channel, int value] => _tables[channel][value];

    public void Apply(ReadOnlySpan<byte> pixels, Span<float> features)
    {
        for (int c = 0; c < _tables.Length; c++)
        {
            var table = _tables[c];
            var source = pixels.Slice(c * _plane, _plane);
            var target = features.Slice(c * _plane, _plane);
            for (int i = 0; i < source.Length; i++) target[i] = table[source[i]];
        }
    }

    /// <summary>Replaces raw byte values stored as floats (exactly 0..255) by their feature values, in place.</summary>
    public void ApplyInPlace(Span<float> rawValues)
    {
        for (int c = 0; c < _tables.Length; c++)
        {
            var table = _tables[c];
            var span = rawValues.Slice(c * _plane, _plane);
            for (int i = 0; i < span.Length; i++) span[i] = table[(int)span[i]];
        }
    }
}
