using SkiaSharp;

namespace Catapults.ML.Tests.Data.Fixtures;

/// <summary>Writes small datasets in the official on-disk formats, with pixel values given by closed formulas.</summary>
public static class DatasetFixtures
{
    public static readonly string[] CifarClasses = ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"];

    /// <summary>CIFAR pixel (channel, row, column) of image <paramref name="n"/> (global index).</summary>
    public static byte CifarPixel(int n, int c, int row, int col) => (byte)((n * 17 + c * 85 + row * 5 + col * 3) % 256);

    /// <summary>Label of CIFAR image <paramref name="n"/>.</summary>
    public static int CifarLabel(int n) => (n * 7 + n / 10) % 10;

    /// <summary>
    /// Writes cifar-10-batches-bin/ under <paramref name="root"/> with <paramref name="perBatch"/> records in each
    /// training batch and <paramref name="testCount"/> in the test batch; returns the folder.
    /// Test image n uses global index 100000 + n.
    /// </summary>
    public static string WriteCifar(string root, int perBatch = 6, int testCount = 5)
    {
        var dir = Path.Combine(root, "cifar-10-batches-bin");
        Directory.CreateDirectory(dir);
        for (int b = 0; b < 5; b++)
            File.WriteAllBytes(Path.Combine(dir, $"data_batch_{b + 1}.bin"), CifarRecords(b * perBatch, perBatch));
        File.WriteAllBytes(Path.Combine(dir, "test_batch.bin"), CifarRecords(100000, testCount));
        File.WriteAllText(Path.Combine(dir, "batches.meta.txt"), string.Join("\n", CifarClasses) + "\n\n");
        return dir;
    }

    public static byte[] CifarRecords(int firstIndex, int count)
    {
        var bytes = new byte[count * 3073];
        for (int r = 0; r < count; r++)
        {
            int n = firstIndex + r;
            bytes[r * 3073] = (byte)CifarLabel(n);
            for (int c = 0; c < 3; c++)
                for (int row = 0; row < 32; row++)
                    for (int col = 0; col < 32; col++)
                        bytes[r * 3073 + 1 + c * 1024 + row * 32 + col] = CifarPixel(n, c, row, col);
        }
        return bytes;
    }

    /// <summary>SVHN X(row, col, channel, n) of the fixture: different steps for row and column so a transposition shows.</summary>
    public static byte SvhnPixel(int n, int c, int row, int col) => (byte)((row * 3 + col * 7 + c * 50 + n * 11) % 256);

    /// <summary>SVHN label as stored in y (1..10, 10 = digit 0).</summary>
    public static int SvhnStoredLabel(int n) => n % 10 + 1;

    /// <summary>The digit class of SVHN fixture image n.</summary>
    public static int SvhnDigit(int n) => SvhnStoredLabel(n) % 10;

    /// <summary>X as MATLAB stores it: column-major 32×32×3×N, byte row + 32·col + 1024·c + 3072·n.</summary>
    public static byte[] SvhnX(int count)
    {
        var x = new byte[count * 3072];
        for (int n = 0; n < count; n++)
            for (int c = 0; c < 3; c++)
                for (int col = 0; col < 32; col++)
                    for (int row = 0; row < 32; row++)
                        x[row + 32 * col + 1024 * c + 3072 * n] = SvhnPixel(n, c, row, col);
        return x;
    }

    /// <summary>Writes an SVHN split file with <paramref name="count"/> images; y stored as double or, like MATLAB, as uint8.</summary>
    public static void WriteSvhn(string path, int count, bool compressed, bool labelsAsUInt8 = false)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var labels = Enumerable.Range(0, count).Select(SvhnStoredLabel).ToArray();
        var y = labelsAsUInt8
            ? MatV5Writer.DoubleStoredAsUInt8("y", [count, 1], labels.Select(v => (byte)v).ToArray())
            : MatV5Writer.Double("y", [count, 1], labels.Select(v => (double)v).ToArray());
        MatV5Writer.Write(path, compressed, MatV5Writer.UInt8("X", [32, 32, 3, count], SvhnX(count)), y);
    }

    public static readonly string[] CelebAAttributes = ["Bald", "Smiling", "Young"];

    /// <summary>Smiling (+1) for every image whose index is even.</summary>
    public static bool CelebASmiling(int n) => n % 2 == 0;

    /// <summary>Partition of image n: 0 train, 1 valid, 2 test.</summary>
    public static int CelebAPartition(int n) => n < 6 ? 0 : n < 8 ? 1 : 2;

    /// <summary>Colour of a 16×16 block of image n: smooth enough for JPEG at quality 100 to stay within a few levels.</summary>
    public static SKColor CelebAColor(int n, int blockRow, int blockCol) =>
        new((byte)(40 + 20 * n + 6 * blockCol), (byte)(200 - 8 * blockRow), (byte)(60 + 10 * ((blockRow + blockCol) % 5)));

    /// <summary>Writes celeba/ with <paramref name="count"/> 178×218 JPEGs and the attribute and partition files.</summary>
    public static string WriteCelebA(string root, int count = 10)
    {
        var dir = Path.Combine(root, "celeba");
        var images = Path.Combine(dir, "img_align_celeba");
        Directory.CreateDirectory(images);
        var attr = new List<string> { count.ToString(), string.Join(" ", CelebAAttributes) + " " };
        var part = new List<string>();
        for (int n = 0; n < count; n++)
        {
            string name = $"{n + 1:D6}.jpg";
            File.WriteAllBytes(Path.Combine(images, name), EncodeJpeg(CelebAImage(n)));
            attr.Add($"{name} {(n % 3 == 0 ? " 1" : "-1")} {(CelebASmiling(n) ? " 1" : "-1")}  1");
            part.Add($"{name} {CelebAPartition(n)}");
        }
        File.WriteAllLines(Path.Combine(dir, "list_attr_celeba.txt"), attr);
        File.WriteAllLines(Path.Combine(dir, "list_eval_partition.txt"), part);
        return dir;
    }

    public static SKBitmap CelebAImage(int n, int width = 178, int height = 218)
    {
        var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
                bitmap.SetPixel(x, y, CelebAColor(n, y / 16, x / 16));
        return bitmap;
    }

    public static byte[] EncodeJpeg(SKBitmap bitmap, int quality = 100)
    {
        using (bitmap)
        using (var data = bitmap.Encode(SKEncodedImageFormat.Jpeg, quality))
            return data.ToArray();
    }

    public static byte[] EncodePng(SKBitmap bitmap)
    {
        using (bitmap)
        using (var data = bitmap.Encode(SKEncodedImageFormat.Png, 100))
            return data.ToArray();
    }

    /// <summary>Decodes a JPEG independently of the reader (SKBitmap.Decode), as [row, col] → (r, g, b).</summary>
    public static (byte R, byte G, byte B)[,] DecodeReference(string path)
    {
        using var bitmap = SKBitmap.Decode(path);
        var pixels = new (byte, byte, byte)[bitmap.Height, bitmap.Width];
        for (int y = 0; y < bitmap.Height; y++)
            for (int x = 0; x < bitmap.Width; x++)
            {
                var c = bitmap.GetPixel(x, y);
                pixels[y, x] = (c.Red, c.Green, c.Blue);
            }
        return pixels;
    }
}
