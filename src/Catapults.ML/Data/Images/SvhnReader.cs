using Catapults.ML.Data.Matlab;

namespace Catapults.ML.Data.Images;

/// <summary>
/// Reads SVHN's cropped digits (format 2): <c>train_32x32.mat</c>, <c>test_32x32.mat</c> and the optional
/// <c>extra_32x32.mat</c>, MATLAB v5 files holding <c>X</c>, uint8 32×32×3×N in column-major order, and <c>y</c>,
/// N×1, with label 10 standing for digit 0. Class k is digit k. Images are read one at a time from the file, so even
/// the 531,131-image extra set is never held in memory whole.
/// </summary>
public sealed class SvhnReader : IImageDatasetReader
{
    /// <summary>Folder name under the data root.</summary>
    public const string FolderName = "svhn";

    private const int Side = 32;
    private const int Channels = 3;

    /// <summary>The files of the cropped-digit distribution (extra_32x32.mat is only needed for the Extra split).</summary>
    public static IReadOnlyList<string> ExpectedFiles { get; } = ["train_32x32.mat", "test_32x32.mat", "extra_32x32.mat (optional)"];

    private static readonly string[] Digits = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"];

    /// <summary>Opens the folder <paramref name="directory"/>; each split's file is checked when the split is read.</summary>
    public SvhnReader(string directory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        Directory = Path.GetFullPath(directory);
        if (!System.IO.Directory.Exists(Directory))
            throw new DirectoryNotFoundException(
                $"{DatasetName}: directory '{Directory}' does not exist. Expected it to contain: {string.Join(", ", ExpectedFiles)}.");
    }

    /// <summary>Opens <c>svhn/</c> under the data root (the option, else <c>CATAPULTS_DATA</c>).</summary>
    public static SvhnReader FromDataRoot(string? dataRoot = null) =>
        new(DataRoot.LocateDataset(dataRoot, FolderName, "train_32x32.mat", ExpectedFiles));

    /// <inheritdoc />
    public string DatasetName => "SVHN";

    /// <inheritdoc />
    public string Directory { get; }

    /// <inheritdoc />
    public ImageShape Shape => new(Channels, Side, Side);

    /// <inheritdoc />
    public IReadOnlyList<string> ClassNames => Digits;

    /// <inheritdoc />
    public IReadOnlyList<DatasetSplit> Splits { get; } = [DatasetSplit.Train, DatasetSplit.Test, DatasetSplit.Extra];

    /// <summary>The file of a split.</summary>
    public static string FileName(DatasetSplit split) => split switch
    {
        DatasetSplit.Train => "train_32x32.mat",
        DatasetSplit.Test => "test_32x32.mat",
        DatasetSplit.Extra => "extra_32x32.mat",
        _ => throw new ArgumentException($"SVHN has no {split} split; it has Train, Test and Extra.", nameof(split)),
    };

    /// <inheritdoc />
    public int[] ReadLabels(DatasetSplit split)
    {
        var (file, _, y, count) = OpenSplit(split);
        using var reader = file.OpenReal(y);
        var labels = new int[count];
        var chunk = new double[4096];
        for (int start = 0; start < count; start += chunk.Length)
        {
            int n = Math.Min(chunk.Length, count - start);
            reader.ReadDoubles(chunk.AsSpan(0, n));
            for (int i = 0; i < n; i++)
            {
                double v = chunk[i];
                if (v != Math.Floor(v) || v < 1 || v > 10)
                    throw new DatasetFormatException(file.Path,
                        $"{file.Path}: corrupt label y({start + i + 1}) = {v}: SVHN labels are the integers 1–10 (10 is digit 0).", y.ElementOffset);
                labels[start + i] = v == 10 ? 0 : (int)v;
            }
        }
        return labels;
    }

    /// <inheritdoc />
    public IEnumerable<LabeledImage> ReadImages(DatasetSplit split, IReadOnlyList<int>? recordIndices = null)
    {
        var opened = OpenSplit(split);
        if (recordIndices is not null)
            for (int i = 0; i < recordIndices.Count; i++)
                if (recordIndices[i] < 0 || recordIndices[i] >= opened.Count || (i > 0 && recordIndices[i] <= recordIndices[i - 1]))
                    throw new ArgumentOutOfRangeException(nameof(recordIndices), recordIndices[i],
                        $"Record indices must be strictly increasing and in 0..{opened.Count - 1}.");
        var labels = ReadLabels(split);
        return Enumerate(opened.File, opened.X, labels, recordIndices);
    }

    private IEnumerable<LabeledImage> Enumerate(MatFile file, MatVariable x, int[] labels, IReadOnlyList<int>? wanted)
    {
        const int size = Channels * Side * Side;
        using var reader = file.OpenReal(x);
        var columnMajor = new byte[size];
        int total = wanted?.Count ?? labels.Length;
        int position = 0; // next record the reader is at
        for (int k = 0; k < total; k++)
        {
            int record = wanted is null ? k : wanted[k];
            if (record > position) reader.Skip((long)(record - position) * size);
            reader.ReadBytes(columnMajor);
            position = record + 1;
            yield return new LabeledImage(record, labels[record], ToChannelMajor(columnMajor));
        }
        // A subset stops short of the end, where a compressed element's checksum is: without this, pixels damaged in
        // place would load as data.
        reader.VerifyToEnd();
    }

    /// <summary>
    /// Reorders one image from MATLAB's column-major X(row, column, channel) — byte row + 32·column + 1024·channel —
    /// into channel-major [channel, row, column].
    /// </summary>
    internal static byte[] ToChannelMajor(ReadOnlySpan<byte> columnMajor)
    {
        var pixels = new byte[Channels * Side * Side];
        for (int c = 0; c < Channels; c++)
            for (int column = 0; column < Side; column++)
            {
                var source = columnMajor.Slice(c * Side * Side + column * Side, Side);
                for (int row = 0; row < Side; row++) pixels[c * Side * Side + row * Side + column] = source[row];
            }
        return pixels;
    }

    private (MatFile File, MatVariable X, MatVariable Y, int Count) OpenSplit(DatasetSplit split)
    {
        string name = FileName(split);
        string path = Path.Combine(Directory, name);
        if (System.IO.Directory.Exists(path)) DataRoot.RequireFile(DatasetName, path);
        if (!File.Exists(path))
            throw new FileNotFoundException(
                $"{DatasetName}: missing '{path}' for the {split} split. Expected '{Directory}' to contain: {string.Join(", ", ExpectedFiles)}.", path);
        var file = MatFile.Open(path);
        var x = file.GetVariable("X");
        var y = file.GetVariable("y");
        if (x.Class != MatArrayClass.UInt8 || x.StoredType != MatDataType.UInt8)
            throw new DatasetFormatException(path, $"{path}: X is {x}, stored as {x.StoredType}; SVHN images are uint8.", x.ElementOffset);
        var d = x.Dimensions;
        // MATLAB drops trailing singleton dimensions: a split of one image is stored as 32×32×3.
        if (d.Count is not (3 or 4) || d[0] != Side || d[1] != Side || d[2] != Channels)
            throw new DatasetFormatException(path,
                $"{path}: X has dimensions {x.DimensionText}; expected 32×32×3×N (the cropped-digit format 2).", x.ElementOffset);
        int count = d.Count == 4 ? d[3] : 1;
        if (count == 0)
            throw new DatasetFormatException(path, $"{path}: X has dimensions {x.DimensionText}; the split holds no images.", x.ElementOffset);
        if (!MatTypes.IsNumeric(y.Class) || y.ElementCount != count || y.Dimensions.Count != 2 || Math.Min(y.Dimensions[0], y.Dimensions[1]) != 1 && count != 1)
            throw new DatasetFormatException(path,
                $"{path}: y is {y}; expected a numeric N×1 label vector with N = {count:N0} to match X.", y.ElementOffset);
        if (x.IsComplex || y.IsComplex)
            throw new DatasetFormatException(path, $"{path}: X or y is complex; SVHN arrays are real.", x.ElementOffset);
        return (file, x, y, count);
    }
}
