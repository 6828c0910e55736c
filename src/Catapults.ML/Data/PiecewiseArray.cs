using System.Buffers;

namespace Catapults.ML.Data;

/// <summary>
/// Reads an array whose length a file declares without trusting the declaration for the allocation: the array grows
/// as the values arrive, so a damaged or hostile count (inside compressed data, or from a stream that does not know
/// its length, nothing bounds it beforehand) costs what the file really holds, not what it claims.
/// </summary>
internal static class PiecewiseArray
{
    /// <summary>The most values one call of the filler reads, and the array's first size.</summary>
    public const int PieceLength = 1 << 16;

    /// <summary>
    /// An array of <paramref name="count"/> values, filled piece by piece by <paramref name="fill"/>, which receives
    /// the span to fill and its offset in the array and throws, naming the file, when the source ends early.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is negative or more than one array holds.</exception>
    public static T[] Read<T>(long count, SpanAction<T, long> fill)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, Array.MaxLength);
        var values = new T[Math.Min(count, PieceLength)];
        for (long read = 0; read < count;)
        {
            if (read == values.Length) Array.Resize(ref values, (int)Math.Min(count, 2L * values.Length));
            int length = (int)Math.Min(values.Length - read, PieceLength);
            fill(values.AsSpan((int)read, length), read);
            read += length;
        }
        return values;
    }
}
