using Catapults.ML.Runtime;

namespace Catapults.ML.Data.Images;

/// <summary>
/// Reads aligned CelebA (<c>celeba/</c>): the 178×218 JPEGs in <c>img_align_celeba/</c>, the ±1 attributes of
/// <c>list_attr_celeba.txt</c> (a count line, a line of attribute names, then one row per image) and the
/// train/validation/test partition of <c>list_eval_partition.txt</c> (0/1/2). One attribute defines a binary task;
/// each image is centre-cropped, resized by area averaging and optionally turned to grayscale
/// (<see cref="CelebAOptions"/>). The text files are parsed up front; images are decoded only when read.
/// </summary>
public sealed class CelebAReader : IImageDatasetReader
{
    /// <summary>Folder name under the data root.</summary>
    public const string FolderName = "celeba";

    /// <summary>Width of an aligned CelebA image.</summary>
    public const int AlignedWidth = 178;

    /// <summary>Height of an aligned CelebA image.</summary>
    public const int AlignedHeight = 218;

    /// <summary>
    /// The largest <see cref="CelebAOptions.ImageSize"/> S: the resampler holds the 3·S·S values of one RGB image in
    /// one array (grayscale is taken after resizing), which cannot be longer than <see cref="Array.MaxLength"/>.
    /// </summary>
    public static int MaxImageSize { get; } = (int)Math.Sqrt(Array.MaxLength / 3);

    private const string ImageFolder = "img_align_celeba";
    private const string AttributeFile = "list_attr_celeba.txt";
    private const string PartitionFile = "list_eval_partition.txt";

    /// <summary>The files and folders of the aligned distribution.</summary>
    public static IReadOnlyList<string> ExpectedFiles { get; } = [ImageFolder + "/ (000001.jpg …)", AttributeFile, PartitionFile];

    private readonly Dictionary<DatasetSplit, (string[] Files, int[] Labels)> _splits;
    private readonly string _partitionPath;

    /// <summary>
    /// Opens <paramref name="directory"/> and parses the attribute and partition files. Errors name the file and
    /// the line, byte offset and attribute at fault.
    /// </summary>
    public CelebAReader(string directory, CelebAOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        Options = options ?? new CelebAOptions();
        if (Options.CropSize is < 1 or > AlignedWidth)
            throw new ArgumentOutOfRangeException(nameof(options), Options.CropSize, $"CelebAOptions.CropSize must be in 1..{AlignedWidth}.");
        if (Options.ImageSize < 1)
            throw new ArgumentOutOfRangeException(nameof(options), Options.ImageSize, "CelebAOptions.ImageSize must be at least 1.");
        if (Options.ImageSize > MaxImageSize)
            throw new ArgumentOutOfRangeException(nameof(options),
                $"CelebAOptions.ImageSize is {Options.ImageSize:N0}: an RGB image of that side holds {3L * Options.ImageSize * Options.ImageSize:N0} values, " +
                $"more than one array or tensor row can hold ({Array.MaxLength:N0}); use at most {MaxImageSize:N0}.");
        if (string.IsNullOrWhiteSpace(Options.Attribute))
            throw new ArgumentException("CelebAOptions.Attribute must name an attribute of list_attr_celeba.txt.", nameof(options));
        Directory = Path.GetFullPath(directory);
        DataRoot.RequireFiles(DatasetName, Directory, [ImageFolder, AttributeFile, PartitionFile], ExpectedFiles, [ImageFolder]);
        if (!System.IO.Directory.Exists(Path.Combine(Directory, ImageFolder)))
            throw new DirectoryNotFoundException($"{DatasetName}: '{Path.Combine(Directory, ImageFolder)}' must be a folder of JPEG images.");

        var (names, values, attributeNames, column) = ReadAttributes(Path.Combine(Directory, AttributeFile), Options.Attribute);
        AttributeNames = attributeNames;
        Attribute = attributeNames[column];
        _partitionPath = Path.Combine(Directory, PartitionFile);
        var partitions = ReadPartitions(_partitionPath, names);
        _splits = new Dictionary<DatasetSplit, (string[], int[])>();
        foreach (var split in Splits)
        {
            int code = PartitionCode(split);
            var members = Enumerable.Range(0, names.Length).Where(i => partitions[i] == code).ToArray();
            _splits[split] = (members.Select(i => names[i]).ToArray(), members.Select(i => values[i]).ToArray());
        }
        ClassNames = ["not " + Attribute, Attribute];
    }

    /// <summary>Opens <c>celeba/</c> under the data root (the option, else <c>CATAPULTS_DATA</c>).</summary>
    public static CelebAReader FromDataRoot(string? dataRoot = null, CelebAOptions? options = null) =>
        new(DataRoot.LocateDataset(dataRoot, FolderName, AttributeFile, ExpectedFiles), options);

    /// <summary>The options in force.</summary>
    public CelebAOptions Options { get; }

    /// <summary>The attribute of the binary task, as spelled in the file.</summary>
    public string Attribute { get; }

    /// <summary>Every attribute name of list_attr_celeba.txt, in file order.</summary>
    public IReadOnlyList<string> AttributeNames { get; }

    /// <inheritdoc />
    public string DatasetName => "CelebA";

    /// <inheritdoc />
    public string Directory { get; }

    /// <inheritdoc />
    public ImageShape Shape => new(Options.Grayscale ? 1 : 3, Options.ImageSize, Options.ImageSize);

    /// <inheritdoc />
    public IReadOnlyList<string> ClassNames { get; }

    /// <inheritdoc />
    public IReadOnlyList<DatasetSplit> Splits { get; } = [DatasetSplit.Train, DatasetSplit.Validation, DatasetSplit.Test];

    /// <summary>Image file names of a split, in file order.</summary>
    public IReadOnlyList<string> FileNames(DatasetSplit split) => Split(split).Files;

    /// <inheritdoc />
    public int[] ReadLabels(DatasetSplit split) => Split(split).Labels.ToArray();

    /// <inheritdoc />
    public IEnumerable<LabeledImage> ReadImages(DatasetSplit split, IReadOnlyList<int>? recordIndices = null)
    {
        var (files, labels) = Split(split);
        if (recordIndices is not null)
            for (int i = 0; i < recordIndices.Count; i++)
                if (recordIndices[i] < 0 || recordIndices[i] >= files.Length || (i > 0 && recordIndices[i] <= recordIndices[i - 1]))
                    throw new ArgumentOutOfRangeException(nameof(recordIndices), recordIndices[i],
                        $"Record indices must be strictly increasing and in 0..{files.Length - 1}.");
        return Enumerate(files, labels, recordIndices);
    }

    private IEnumerable<LabeledImage> Enumerate(string[] files, int[] labels, IReadOnlyList<int>? wanted)
    {
        int total = wanted?.Count ?? files.Length;
        for (int k = 0; k < total; k++)
        {
            int record = wanted is null ? k : wanted[k];
            yield return new LabeledImage(record, labels[record], Prepare(Path.Combine(Directory, ImageFolder, files[record])));
        }
    }

    /// <summary>Decodes one image and applies crop, resize and grayscale; returns [C, S, S] bytes.</summary>
    internal byte[] Prepare(string path)
    {
        var (rgb, width, height) = JpegDecoder.DecodeRgb(path, (width, height) =>
        {
            if (width != AlignedWidth || height != AlignedHeight)
                throw new DatasetFormatException(path,
                    $"{path}: the image is {width}×{height}; aligned CelebA images are {AlignedWidth}×{AlignedHeight} " +
                    "(is this the in-the-wild set, or a resized copy?).", 0);
        });
        int crop = Options.CropSize, size = Options.ImageSize;
        int left = (width - crop) / 2, top = (height - crop) / 2;
        var cropped = new byte[crop * crop * 3];
        for (int y = 0; y < crop; y++)
            rgb.AsSpan(((top + y) * width + left) * 3, crop * 3).CopyTo(cropped.AsSpan(y * crop * 3));
        float[] resized = crop == size ? cropped.Select(b => (float)b).ToArray() : ImageResampler.AreaAverage(cropped, crop, crop, 3, size, size);

        int plane = size * size;
        var pixels = new byte[(Options.Grayscale ? 1 : 3) * plane];
        for (int i = 0; i < plane; i++)
        {
            float r = resized[3 * i], g = resized[3 * i + 1], b = resized[3 * i + 2];
            if (Options.Grayscale)
            {
                pixels[i] = ToByte(0.299f * r + 0.587f * g + 0.114f * b);
            }
            else
            {
                pixels[i] = ToByte(r);
                pixels[plane + i] = ToByte(g);
                pixels[2 * plane + i] = ToByte(b);
            }
        }
        return pixels;
    }

    private static byte ToByte(float value) => (byte)Math.Clamp((int)MathF.Round(value, MidpointRounding.AwayFromZero), 0, 255);

    // An empty split is refused when it is asked for, not when the files are opened: a trimmed copy of CelebA that
    // lacks a split still serves the others, but loading the missing one must not quietly give zero rows.
    private (string[] Files, int[] Labels) Split(DatasetSplit split)
    {
        if (!_splits.TryGetValue(split, out var s))
            throw new ArgumentException($"CelebA has no {split} split; it has Train, Validation and Test.", nameof(split));
        if (s.Files.Length == 0)
            throw new DatasetFormatException(_partitionPath,
                $"CelebA {split} split is empty: {_partitionPath} assigns no image to {PartitionCode(split)}.");
        return s;
    }

    private static int PartitionCode(DatasetSplit split) => split switch
    {
        DatasetSplit.Train => 0,
        DatasetSplit.Validation => 1,
        _ => 2,
    };

    private static (string[] Names, int[] Values, string[] Attributes, int Column) ReadAttributes(string path, string attribute)
    {
        using var lines = TextLineReader.ReadLines(path).GetEnumerator();
        if (!lines.MoveNext())
            throw new DatasetFormatException(path, $"{path}: the file is empty; expected an image count, attribute names and ±1 rows.", 0);
        var countLine = lines.Current;
        if (!int.TryParse(countLine.Text.Trim(), out int declared) || declared < 0)
            throw new DatasetFormatException(path,
                $"{path}: line 1 (byte 0) should be the image count, found '{Clip(countLine.Text)}' ({FileFormatSniffer.DescribeFile(path)}).", 0);
        if (!lines.MoveNext())
            throw new DatasetFormatException(path, $"{path}: truncated: the file ends after line 1, before the attribute names.", new FileInfo(path).Length);
        var attributes = Split(lines.Current.Text);
        if (attributes.Length == 0)
            throw new DatasetFormatException(path, $"{path}: line 2 (byte {lines.Current.ByteOffset}) should list the attribute names; it is empty.", lines.Current.ByteOffset);
        int column = Array.FindIndex(attributes, a => string.Equals(a, attribute, StringComparison.OrdinalIgnoreCase));
        if (column < 0)
            throw new DatasetFormatException(path,
                $"{path} has no attribute '{ErrorText.Excerpt(attribute)}' (CelebAOptions.Attribute); it lists: {ErrorText.Excerpt(string.Join(", ", attributes), 400)}.",
                lines.Current.ByteOffset);

        // The count line is only a claim until the rows are counted below: it may presize the lists, but only up to
        // the size of the real dataset (202,599 images), never to whatever number the line holds.
        int capacity = Math.Min(declared, 1 << 18);
        var names = new List<string>(capacity);
        var values = new List<int>(capacity);
        long end = 0;
        while (lines.MoveNext())
        {
            var line = lines.Current;
            end = line.ByteOffset + line.Text.Length;
            var fields = Split(line.Text);
            if (fields.Length == 0) continue;
            if (fields.Length != attributes.Length + 1)
                throw new DatasetFormatException(path,
                    $"{path}: line {line.Number} (byte {line.ByteOffset:N0}) has {fields.Length} fields; expected an image name and {attributes.Length} values.",
                    line.ByteOffset);
            for (int a = 0; a < attributes.Length; a++)
                if (fields[a + 1] is not ("1" or "-1"))
                    throw new DatasetFormatException(path,
                        $"{path}: line {line.Number} (byte {line.ByteOffset:N0}), attribute {Clip(attributes[a])}: '{Clip(fields[a + 1])}' is not 1 or -1.",
                        line.ByteOffset);
            CheckImageName(path, line, fields[0]);
            names.Add(fields[0]);
            values.Add(fields[column + 1] == "1" ? 1 : 0);
        }
        if (names.Count != declared)
            throw new DatasetFormatException(path,
                $"{path}: line 1 declares {declared:N0} images but the file has {names.Count:N0} rows" +
                (names.Count < declared ? $"; it is truncated (ends at byte {new FileInfo(path).Length:N0})." : "."),
                names.Count < declared ? new FileInfo(path).Length : end);
        var duplicate = names.GroupBy(n => n).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null) throw new DatasetFormatException(path, $"{path}: image '{Clip(duplicate.Key)}' is listed twice.");
        return (names.ToArray(), values.ToArray(), attributes, column);
    }

    // An image name is joined to img_align_celeba/: a rooted name, a separator or '..' would let the list read any
    // file the process can, so only a plain file name in that folder is accepted.
    private static void CheckImageName(string path, TextLine line, string name)
    {
        string? why = Path.IsPathRooted(name) ? "is an absolute path"
            : name.Contains('/') || name.Contains('\\') ? "contains a folder separator"
            : name is "." or ".." ? "names a folder"
            : name.IndexOfAny(Path.GetInvalidFileNameChars()) >= 0 ? "contains a character not allowed in a file name"
            : null;
        if (why is not null)
            throw new DatasetFormatException(path,
                $"{path}: line {line.Number} (byte {line.ByteOffset:N0}): image name '{Clip(name)}' {why}; expected a file name in {ImageFolder}/ such as 000001.jpg.",
                line.ByteOffset);
    }

    private static int[] ReadPartitions(string path, string[] names)
    {
        var byName = new Dictionary<string, int>(names.Length, StringComparer.Ordinal);
        foreach (var line in TextLineReader.ReadLines(path))
        {
            var fields = Split(line.Text);
            if (fields.Length == 0) continue;
            if (fields.Length != 2 || fields[1] is not ("0" or "1" or "2"))
                throw new DatasetFormatException(path,
                    $"{path}: line {line.Number} (byte {line.ByteOffset:N0}) is '{Clip(line.Text)}'; expected '<image> <0|1|2>'" +
                    (line.Number == 1 ? $" ({FileFormatSniffer.DescribeFile(path)})." : "."), line.ByteOffset);
            if (!byName.TryAdd(fields[0], fields[1][0] - '0'))
                throw new DatasetFormatException(path, $"{path}: line {line.Number} (byte {line.ByteOffset:N0}) lists '{Clip(fields[0])}' a second time.", line.ByteOffset);
        }
        var known = names.ToHashSet(StringComparer.Ordinal);
        var strangers = byName.Keys.Where(n => !known.Contains(n)).ToList();
        if (strangers.Count > 0)
            throw new DatasetFormatException(path,
                $"{path} lists {strangers.Count:N0} image(s) that {AttributeFile} does not, e.g. '{ErrorText.Excerpt(strangers[0])}': the two files are from different copies of CelebA.");
        var partitions = new int[names.Length];
        for (int i = 0; i < names.Length; i++)
            if (!byName.TryGetValue(names[i], out partitions[i]))
                throw new DatasetFormatException(path,
                    $"{path}: image '{Clip(names[i])}' of {AttributeFile} has no partition (the file lists {byName.Count:N0} images; truncated?).",
                    new FileInfo(path).Length);
        return partitions;
    }

    private static string[] Split(string line) => line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);

    private static string Clip(string text) => ErrorText.Excerpt(text);
}
