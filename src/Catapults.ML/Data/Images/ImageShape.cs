namespace Catapults.ML.Data.Images;

/// <summary>Shape of one image: channels, height, width.</summary>
public readonly record struct ImageShape(int Channels, int Height, int Width)
{
    /// <summary>Pixels of one channel, H·W.</summary>
    public int PlaneSize => Height * Width;

    /// <summary>Values of one image, C·H·W.</summary>
    public int Size => Channels * Height * Width;

    /// <summary>The shape as tensor dimensions [C, H, W].</summary>
    public long[] ToArray() => [Channels, Height, Width];

    /// <inheritdoc />
    public override string ToString() => $"{Channels}×{Height}×{Width}";
}
