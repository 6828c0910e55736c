using Catapults.ML.Data.Images;

namespace Catapults.Bench;

/// <summary>
/// Issue 6: rows per second reading CIFAR-10-shaped binary batches into tensors. Writes five synthetic
/// data_batch files of 10,000 records each (the real training split's shape, 153.6 MB) and a test batch into a
/// temp folder, then times the loader. Files are read warm (from the page cache) after the first untimed run.
/// </summary>
public sealed class CifarReadBenchmark : IBenchmark
{
    public string Name => "cifar-read";
    public string Description => "rows/s reading CIFAR-10-shaped binary batches (5 × 10,000 records) into tensors (median of runs, warm page cache)";

    /// <inheritdoc />
    public IReadOnlyCollection<string>? Cases => ["labels", "tensor-unit", "tensor-standardize", "tensor-image-onehot", "subset-2x500", "stream"];

    public int Run(bool quick, string? only)
    {
        int perBatch = quick ? 1000 : 10_000;
        int runs = quick ? 3 : 5;
        var dir = Path.Combine(Path.GetTempPath(), "catapults-cifar-bench-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            WriteSynthetic(dir, perBatch);
            var reader = new Cifar10Reader(dir);
            var cases = new (string Name, string What, Func<int> Action)[]
            {
                ("labels", "labels only (label pass of the selection)", () => reader.ReadLabels(DatasetSplit.Train).Length),
                ("tensor-unit", "all rows → [n, 3072] float32, byte/255", () => LoadCount(reader, new ImageDatasetOptions())),
                ("tensor-standardize", "all rows, per-channel standardised (stats in the same pass)", () => LoadCount(reader, new ImageDatasetOptions { Normalization = PixelNormalization.Standardize })),
                ("tensor-image-onehot", "all rows → [n, 3, 32, 32], one-hot targets", () => LoadCount(reader, new ImageDatasetOptions { Layout = FeatureLayout.Image, Labels = LabelMapping.OneHot })),
                ("subset-2x500", "classes {3, 5}, 500 per class drawn (skips the rest)", () => LoadCount(reader, new ImageDatasetOptions { Classes = [3, 5], SamplesPerClass = quick ? 50 : 500 })),
                ("stream", "row stream without tensors (what the IDataView reads)", () => ImageDatasetLoader.Stream(reader).Count()),
            };
            Console.WriteLine($"{"case",-22} {"rows",8} {"ms (median)",12} {"rows/s",12} {"MB/s",8}  what");
            foreach (var (name, what, action) in cases)
            {
                if (only is not null && only != name) continue;
                int rows = 0;
                double ms = Measure.MedianMilliseconds(() => rows = action(), runs);
                double rowsPerSecond = rows / (ms / 1000);
                // Record bytes delivered per second (the label pass reads one byte per record, so none is given).
                string mbPerSecond = name == "labels" ? "-" : (rows * (double)Cifar10Reader.RecordSize / 1e6 / (ms / 1000)).ToString("F0");
                Console.WriteLine($"{name,-22} {rows,8} {ms,12:F1} {rowsPerSecond,12:N0} {mbPerSecond,8}  {what}");
            }
            Console.WriteLine($"# peak RSS {Measure.PeakResidentMiB():F0} MiB");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
        return 0;
    }

    private static int LoadCount(Cifar10Reader reader, ImageDatasetOptions options)
    {
        using var data = ImageDatasetLoader.Load(reader, options);
        return data.Count;
    }

    private static void WriteSynthetic(string dir, int perBatch)
    {
        Directory.CreateDirectory(dir);
        var random = new Random(1);
        var record = new byte[Cifar10Reader.RecordSize];
        foreach (var name in new[] { "data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin", "data_batch_4.bin", "data_batch_5.bin", "test_batch.bin" })
        {
            using var file = new BufferedStream(File.Create(Path.Combine(dir, name)), 1 << 20);
            for (int r = 0; r < perBatch; r++)
            {
                random.NextBytes(record);
                record[0] = (byte)(r % 10);
                file.Write(record);
            }
        }
        File.WriteAllLines(Path.Combine(dir, "batches.meta.txt"),
            ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"]);
    }
}
