using System.Globalization;

namespace Catapults.ML.Data.Images;

/// <summary>
/// Per-channel mean and population standard deviation of pixel values scaled to [0, 1] (byte / 255), computed on a
/// training set and reused unchanged for its test set.
/// </summary>
public sealed class ChannelStatistics
{
    /// <summary>Wraps given statistics (e.g. published CIFAR-10 values). Every std must be positive and finite.</summary>
    public ChannelStatistics(IReadOnlyList<double> mean, IReadOnlyList<double> std)
    {
        ArgumentNullException.ThrowIfNull(mean);
        ArgumentNullException.ThrowIfNull(std);
        if (mean.Count == 0 || mean.Count != std.Count)
            throw new ArgumentException($"Mean has {mean.Count} channels and std {std.Count}; both need the same, positive count.", nameof(std));
        for (int c = 0; c < std.Count; c++)
        {
            if (!double.IsFinite(mean[c])) throw new ArgumentException($"Mean of channel {c} is {mean[c]}.", nameof(mean));
            if (!(std[c] > 0) || !double.IsFinite(std[c]))
                throw new ArgumentException($"Std of channel {c} is {std[c]}; it must be positive (a constant channel cannot be standardised).", nameof(std));
        }
        Mean = mean.ToArray();
        Std = std.ToArray();
    }

    /// <summary>Mean of byte / 255 per channel.</summary>
    public IReadOnlyList<double> Mean { get; }

    /// <summary>Population standard deviation of byte / 255 per channel.</summary>
    public IReadOnlyList<double> Std { get; }

    /// <summary>Number of channels.</summary>
    public int Channels => Mean.Count;

    /// <inheritdoc />
    public override string ToString() =>
        "mean [" + string.Join(", ", Mean.Select(m => m.ToString("F4", CultureInfo.InvariantCulture))) + "], std [" +
        string.Join(", ", Std.Select(s => s.ToString("F4", CultureInfo.InvariantCulture))) + "]";

    /// <summary>
    /// Exact running sums of bytes and squared bytes per channel (64-bit integers, so no rounding until the end).
    /// </summary>
    internal sealed class Accumulator(ImageShape shape)
    {
        private readonly long[] _sum = new long[shape.Channels];
        private readonly long[] _sumOfSquares = new long[shape.Channels];
        private long _images;

        public void Add(ReadOnlySpan<byte> pixels)
        {
            int plane = shape.PlaneSize;
            for (int c = 0; c < shape.Channels; c++)
            {
                long s = 0, ss = 0;
                foreach (byte b in pixels.Slice(c * plane, plane))
                {
                    s += b;
                    ss += b * b;
                }
                _sum[c] += s;
                _sumOfSquares[c] += ss;
            }
            _images++;
        }

        public ChannelStatistics ToStatistics(string what)
        {
            if (_images == 0) throw new InvalidOperationException($"Cannot compute channel statistics of {what}: it has no images.");
            double count = (double)_images * shape.PlaneSize;
            var mean = new double[shape.Channels];
            var std = new double[shape.Channels];
            for (int c = 0; c < shape.Channels; c++)
            {
                double m = _sum[c] / count;
                double variance = Math.Max(0, _sumOfSquares[c] / count - m * m);
                mean[c] = m / 255.0;
                std[c] = Math.Sqrt(variance) / 255.0;
                if (std[c] == 0)
                    throw new InvalidOperationException(
                        $"Channel {c} of {what} is constant (every pixel {m:F0}); it cannot be standardised. Use PixelNormalization.UnitRange.");
            }
            return new ChannelStatistics(mean, std);
        }
    }
}
