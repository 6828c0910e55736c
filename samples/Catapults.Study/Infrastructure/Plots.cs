using ScottPlot;

namespace Catapults.Study.Infrastructure;

/// <summary>The study's figures, drawn headless with ScottPlot 5 as PNG files.</summary>
public static class Plots
{
    private const int Width = 900, Height = 560;
    private static readonly Color[] Palette =
    {
        new("#1f77b4"), new("#d62728"), new("#2ca02c"), new("#9467bd"), new("#ff7f0e"), new("#17becf"), new("#8c564b"), new("#e377c2"),
    };

    /// <summary>Colour of the i-th series.</summary>
    public static Color ColorOf(int i) => Palette[i % Palette.Length];

    /// <summary>
    /// A scatter or line figure. With <paramref name="logY"/> the ordinates are drawn as log₁₀ values (the axis label
    /// says so). <paramref name="markers"/> draws dashed vertical lines (e.g. catapult starts).
    /// </summary>
    public static void Draw(string path, string title, string xLabel, string yLabel, IReadOnlyList<Series> series,
        bool lines, bool logY = false, IReadOnlyList<double>? markers = null, string? markerLabel = null, int? width = null, int? height = null)
    {
        var plot = new Plot();
        for (int i = 0; i < series.Count; i++)
        {
            var s = series[i];
            var points = s.X.Zip(s.Y).Where(p => double.IsFinite(p.First) && double.IsFinite(p.Second) && (!logY || p.Second > 0))
                .Select(p => (p.First, logY ? Math.Log10(p.Second) : p.Second)).ToArray();
            if (points.Length == 0) continue;
            var xs = points.Select(p => p.First).ToArray();
            var ys = points.Select(p => p.Item2).ToArray();
            if (lines)
            {
                var line = plot.Add.ScatterLine(xs, ys);
                line.Color = ColorOf(i);
                line.LineWidth = 1.5f;
                line.LegendText = s.Label;
            }
            else
            {
                var dots = plot.Add.ScatterPoints(xs, ys);
                dots.Color = ColorOf(i);
                dots.MarkerSize = 9;
                dots.LegendText = s.Label;
            }
        }
        if (markers is not null)
        {
            bool first = true;
            foreach (var m in markers)
            {
                var v = plot.Add.VerticalLine(m);
                v.Color = Colors.Gray.WithAlpha(0.7);
                v.LinePattern = LinePattern.Dashed;
                v.LineWidth = 1;
                if (first && markerLabel is not null) v.LegendText = markerLabel;
                first = false;
            }
        }
        Save(plot, path, title, xLabel, logY ? $"log₁₀ {yLabel}" : yLabel, Alignment.UpperRight, width ?? Width, height ?? Height);
    }

    /// <summary>
    /// A heat map of <paramref name="values"/> (row i drawn at the top for i = 0, as a matrix is printed), with a
    /// colour bar.
    /// </summary>
    public static void Heatmap(string path, string title, double[,] values, int size = 420)
    {
        var plot = new Plot();
        var map = plot.Add.Heatmap(values);
        map.Colormap = new ScottPlot.Colormaps.Viridis();
        plot.Add.ColorBar(map);
        // ScottPlot draws row 0 at the top but numbers the y axis from the bottom: label the rows as the matrix's.
        int rows = values.GetLength(0);
        plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
            Enumerable.Range(0, rows).Select(p => (double)p).ToArray(),
            Enumerable.Range(0, rows).Select(p => (rows - 1 - p).ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray());
        plot.Title(title);
        plot.Axes.Margins(0, 0);
        Save(plot, path, size + 80, size);
    }

    /// <summary>Joins PNG panels into one image, top to bottom (or left to right), and deletes the panels.</summary>
    public static void Stack(string path, IReadOnlyList<string> panels, bool horizontal = false)
    {
        var bitmaps = panels.Select(p => SkiaSharp.SKBitmap.Decode(p)).ToList();
        var info = horizontal
            ? new SkiaSharp.SKImageInfo(bitmaps.Sum(b => b.Width), bitmaps.Max(b => b.Height))
            : new SkiaSharp.SKImageInfo(bitmaps.Max(b => b.Width), bitmaps.Sum(b => b.Height));
        using var surface = SkiaSharp.SKSurface.Create(info);
        surface.Canvas.Clear(SkiaSharp.SKColors.White);
        int offset = 0;
        foreach (var b in bitmaps)
        {
            if (horizontal) { surface.Canvas.DrawBitmap(b, offset, 0); offset += b.Width; }
            else { surface.Canvas.DrawBitmap(b, 0, offset); offset += b.Height; }
            b.Dispose();
        }
        using var image = surface.Snapshot();
        using var encoded = image.Encode(SkiaSharp.SKEncodedImageFormat.Png, 90);
        AtomicFile.WriteBytes(path, encoded.ToArray());
        foreach (var p in panels) File.Delete(p);
    }

    /// <summary>Titles and labels <paramref name="plot"/> and shows its legend at <paramref name="legend"/>.</summary>
    public static void Label(Plot plot, string title, string xLabel, string yLabel, Alignment legend)
    {
        plot.Title(title);
        plot.XLabel(xLabel);
        plot.YLabel(yLabel);
        plot.ShowLegend(legend);
    }

    /// <summary>Labels <paramref name="plot"/> (see <see cref="Label"/>) and writes it (see <see cref="Save(Plot, string, int, int)"/>).</summary>
    public static void Save(Plot plot, string path, string title, string xLabel, string yLabel, Alignment legend, int width, int height)
    {
        Label(plot, title, xLabel, yLabel, legend);
        Save(plot, path, width, height);
    }

    /// <summary>Writes <paramref name="plot"/> as a PNG atomically (a kill or a full disk never leaves half an image).</summary>
    public static void Save(Plot plot, string path, int width, int height) =>
        AtomicFile.WriteBytes(path, plot.GetImageBytes(width, height, ImageFormat.Png));
}
