namespace Catapults.ML.Data.Images;

/// <summary>
/// Crops and resizes interleaved 8-bit images by area averaging: each output pixel is the mean of the input area it
/// covers, partly covered input pixels weighted by the covered fraction. Deterministic and exact to rounding, and
/// free of the aliasing of point or bilinear sampling when shrinking (178 → 32 is a factor of 5.6).
/// </summary>
public static class ImageResampler
{
    /// <summary>
    /// Resizes <paramref name="source"/> (height × width × channels, interleaved) to <paramref name="targetHeight"/> ×
    /// <paramref name="targetWidth"/>, returning unrounded float values in the same interleaved layout.
    /// </summary>
    public static float[] AreaAverage(ReadOnlySpan<byte> source, int width, int height, int channels, int targetWidth, int targetHeight)
    {
        var sizes = new[]
        {
            (width, nameof(width)), (height, nameof(height)), (channels, nameof(channels)),
            (targetWidth, nameof(targetWidth)), (targetHeight, nameof(targetHeight)),
        };
        foreach (var (size, name) in sizes)
            if (size < 1) throw new ArgumentOutOfRangeException(name, size, $"{name} must be at least 1.");
        if (source.Length != width * height * channels)
            throw new ArgumentException($"Source has {source.Length} bytes; {height}×{width}×{channels} needs {width * height * channels}.", nameof(source));
        var columnWeights = Weights(width, targetWidth);
        var rowWeights = Weights(height, targetHeight);

        // Horizontal pass into [height, targetWidth, channels], then vertical into [targetHeight, targetWidth, channels].
        var horizontal = new float[height * targetWidth * channels];
        for (int y = 0; y < height; y++)
            for (int tx = 0; tx < targetWidth; tx++)
                foreach (var (x, w) in columnWeights[tx])
                    for (int c = 0; c < channels; c++)
                        horizontal[(y * targetWidth + tx) * channels + c] += w * source[(y * width + x) * channels + c];
        var result = new float[targetHeight * targetWidth * channels];
        for (int ty = 0; ty < targetHeight; ty++)
            foreach (var (y, w) in rowWeights[ty])
                for (int i = 0; i < targetWidth * channels; i++)
                    result[ty * targetWidth * channels + i] += w * horizontal[y * targetWidth * channels + i];
        return result;
    }

    /// <summary>For each output index, the input indices it covers and their weights (covered length / output pixel length).</summary>
    private static (int Index, float Weight)[][] Weights(int from, int to)
    {
        var weights = new (int, float)[to][];
        double scale = (double)from / to;
        for (int t = 0; t < to; t++)
        {
            double start = t * scale, end = (t + 1) * scale;
            var list = new List<(int, float)>();
            for (int s = (int)Math.Floor(start); s < Math.Min(from, (int)Math.Ceiling(end)); s++)
            {
                double overlap = Math.Min(end, s + 1) - Math.Max(start, s);
                if (overlap > 1e-12) list.Add((s, (float)(overlap / scale)));
            }
            weights[t] = list.ToArray();
        }
        return weights;
    }
}
