namespace Catapults.ML.Data.Images;

/// <summary>Shape of one image: channels, height, width.</summary>
public readonly record struct ImageShape(int Channels, int Height, int Width)
{
    /// <summary>Pixels of one channel, H·W.</summary>
    /// <exception cref="OverflowException">H·W is more than <see cref="int.MaxValue"/>.</exception>
    public int PlaneSize => Checked((long)Height * Width);

    /// <summary>Values of one image, C·H·W.</summary>
    /// <exception cref="OverflowException">C·H·W is more than <see cref="int.MaxValue"/>: one image would not fit in one array.</exception>
    public int Size => Checked((Int128)Channels * Height * Width);

    /// <summary>The shape as tensor dimensions [C, H, W].</summary>
    public long[] ToArray() => [Channels, Height, Width];

    /// <inheritdoc />
    public override string ToString() => $"{Channels}×{Height}×{Width}";

    // A shape can come from an untrusted annotation or option: a wrapped product would pass a size comparison or
    // size an allocation, so it fails here, once, naming the shape.
    private int Checked(Int128 values) =>
        values >= int.MinValue && values <= int.MaxValue
            ? (int)values
            : throw new OverflowException(
                $"Image shape {this} has {values:N0} values; one image can hold at most {int.MaxValue:N0} (C·H·W must fit in an Int32).");
}
