using Catapults.ML.Runtime;

namespace Catapults.ML.Data.Images;

/// <summary>
/// Reads the binary version of CIFAR-10 (<c>cifar-10-batches-bin/</c>): <c>data_batch_1.bin</c> … <c>data_batch_5.bin</c>
/// (train), <c>test_batch.bin</c> (test) and <c>batches.meta.txt</c> (the ten class names). Each record is one label
/// byte (0–9) followed by 3,072 pixel bytes: the 1,024 red values of the 32×32 image row by row, then green, then blue.
/// </summary>
public sealed class Cifar10Reader : IImageDatasetReader
{
    /// <summary>Folder name under the data root.</summary>
    public const string FolderName = "cifar-10-batches-bin";

    /// <summary>Bytes per record: 1 label + 3 × 32 × 32 pixels.</summary>
    public const int RecordSize = 1 + PixelCount;

    private const int PixelCount = 3 * 32 * 32;
    private const string MetaFile = "batches.meta.txt";

    /// <summary>The files of the binary distribution.</summary>
    public static IReadOnlyList<string> ExpectedFiles { get; } =
        ["data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin", "data_batch_4.bin", "data_batch_5.bin", "test_batch.bin", MetaFile];

    private static readonly string[] TrainFiles = ExpectedFiles.Take(5).ToArray();
    private static readonly string[] TestFiles = ["test_batch.bin"];

    /// <summary>
    /// Opens the folder <paramref name="directory"/> that holds the binary batches. Checks that the directory and
    /// <c>batches.meta.txt</c> exist and reads the class names; the batch files are checked when a split is read.
    /// </summary>
    public Cifar10Reader(string directory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        Directory = Path.GetFullPath(directory);
        DataRoot.RequireFiles(DatasetName, Directory, [MetaFile], ExpectedFiles);
        ClassNames = ReadClassNames(Path.Combine(Directory, MetaFile));
    }

    /// <summary>Opens <c>cifar-10-batches-bin/</c> under the data root (the option, else <c>CATAPULTS_DATA</c>).</summary>
    public static Cifar10Reader FromDataRoot(string? dataRoot = null) =>
        new(DataRoot.LocateDataset(dataRoot, FolderName, MetaFile, ExpectedFiles));

    /// <inheritdoc />
    public string DatasetName => "CIFAR-10";

    /// <inheritdoc />
    public string Directory { get; }

    /// <inheritdoc />
    public ImageShape Shape => new(3, 32, 32);

    /// <inheritdoc />
    public IReadOnlyList<string> ClassNames { get; }

    /// <inheritdoc />
    public IReadOnlyList<DatasetSplit> Splits { get; } = [DatasetSplit.Train, DatasetSplit.Test];

    /// <inheritdoc />
    public int[] ReadLabels(DatasetSplit split)
    {
        var files = OpenSplit(split);
        var labels = new int[files.Sum(f => f.Records)];
        int index = 0;
        Span<byte> one = stackalloc byte[1];
        foreach (var file in files)
        {
            using var handle = File.OpenHandle(file.Path, FileMode.Open, FileAccess.Read, FileShare.Read);
            for (int r = 0; r < file.Records; r++)
            {
                long offset = (long)r * RecordSize;
                if (RandomAccess.Read(handle, one, offset) != 1)
                    throw new DatasetFormatException(file.Path, $"{file.Path}: file ended at byte {offset} while reading record {r}'s label (the file changed while being read?).", offset);
                labels[index++] = CheckLabel(file.Path, one[0], r, offset);
            }
        }
        return labels;
    }

    /// <inheritdoc />
    public IEnumerable<LabeledImage> ReadImages(DatasetSplit split, IReadOnlyList<int>? recordIndices = null)
    {
        var files = OpenSplit(split);
        return Enumerate(files, recordIndices);
    }

    private IEnumerable<LabeledImage> Enumerate(BatchFile[] files, IReadOnlyList<int>? wanted)
    {
        int total = files.Sum(f => f.Records);
        int next = 0; // position in `wanted`
        int firstRecord = 0;
        var record = new byte[RecordSize];
        foreach (var file in files)
        {
            if (wanted is not null && (next >= wanted.Count || wanted[next] >= firstRecord + file.Records))
            {
                firstRecord += file.Records;
                continue;
            }
            using var stream = new FileStream(file.Path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
            for (int r = 0; r < file.Records; r++)
            {
                int global = firstRecord + r;
                if (wanted is not null)
                {
                    if (next >= wanted.Count) break;
                    if (wanted[next] != global)
                    {
                        if (wanted[next] < global) throw OutOfOrder(wanted, next);
                        continue;
                    }
                    next++;
                }
                long offset = (long)r * RecordSize;
                if (stream.Position != offset) stream.Seek(offset, SeekOrigin.Begin);
                int read = stream.ReadAtLeast(record, RecordSize, throwOnEndOfStream: false);
                if (read < RecordSize)
                    throw new DatasetFormatException(file.Path,
                        $"{file.Path}: truncated: record {r} starts at byte {offset} but the file ends at byte {offset + read}.", offset + read);
                int label = CheckLabel(file.Path, record[0], r, offset);
                yield return new LabeledImage(global, label, record.AsSpan(1).ToArray());
            }
            firstRecord += file.Records;
        }
        if (wanted is not null && next < wanted.Count)
            throw new ArgumentOutOfRangeException("recordIndices", wanted[next],
                $"Record {wanted[next]} is not in the split, which has {total} records (or the indices are not increasing).");
    }

    private static ArgumentException OutOfOrder(IReadOnlyList<int> wanted, int position) =>
        new($"Record indices must be strictly increasing; index {wanted[position]} at position {position} is not.", "recordIndices");

    private static int CheckLabel(string path, byte label, int record, long offset)
    {
        if (label > 9)
            throw new DatasetFormatException(path,
                $"{path}: corrupt record {record} at byte {offset}: label byte is {label}, CIFAR-10 labels are 0–9.", offset);
        return label;
    }

    private readonly record struct BatchFile(string Path, int Records);

    private BatchFile[] OpenSplit(DatasetSplit split)
    {
        string[] names = split switch
        {
            DatasetSplit.Train => TrainFiles,
            DatasetSplit.Test => TestFiles,
            _ => throw new ArgumentException($"CIFAR-10 has no {split} split; it has Train and Test.", nameof(split)),
        };
        DataRoot.RequireFiles(DatasetName, Directory, names, ExpectedFiles);
        var files = names.Select(n => CheckBatchFile(Path.Combine(Directory, n))).ToArray();
        // Records are numbered by int across the split, and ReadLabels holds one int per record.
        long total = files.Sum(f => (long)f.Records);
        if (total > Array.MaxLength)
        {
            var largest = files.MaxBy(f => f.Records);
            throw new DatasetFormatException(largest.Path,
                $"{DatasetName} {split} split: the batch files hold {total:N0} records together, more than one split can number " +
                $"({Array.MaxLength:N0}); the largest, {largest.Path}, holds {largest.Records:N0} (a CIFAR-10 batch holds 10,000).", 0);
        }
        return files;
    }

    /// <summary>Checks a batch file's size against the record layout; names what it is when it is something else.</summary>
    private static BatchFile CheckBatchFile(string path)
    {
        long length = new FileInfo(path).Length;
        if (length == 0)
            throw new DatasetFormatException(path, $"{path}: the file is empty; expected {RecordSize:N0}-byte CIFAR-10 records.", 0);
        // A record starts with a label byte 0–9, which no archive, image or pickle signature does: only then is it
        // worth naming what the file is instead.
        int first;
        using (var stream = File.OpenRead(path)) first = stream.ReadByte();
        if (first > 9)
            throw new DatasetFormatException(path,
                $"{path}: expected CIFAR-10 binary records (a label byte 0–9 first), found {FileFormatSniffer.DescribeFile(path)}.", 0);
        if (length % RecordSize != 0)
        {
            if (length % (RecordSize + 1) == 0)
                throw new DatasetFormatException(path,
                    $"{path}: wrong format: the size {length:N0} is a multiple of 3,074, the record size of the CIFAR-100 binary " +
                    "version (2 label bytes + 3,072 pixels), not of CIFAR-10's 3,073.", 0);
            long lastStart = length / RecordSize * RecordSize;
            throw new DatasetFormatException(path,
                $"{path}: truncated or corrupt: {length:N0} bytes is not a whole number of {RecordSize:N0}-byte records; " +
                $"the record at byte {lastStart:N0} is cut off after {length - lastStart:N0} bytes.", lastStart);
        }
        if (length / RecordSize > int.MaxValue) throw new DatasetFormatException(path, $"{path}: {length:N0} bytes is too large for a CIFAR-10 batch.", 0);
        return new BatchFile(path, (int)(length / RecordSize));
    }

    /// <summary>
    /// The largest <c>batches.meta.txt</c> read (1 MiB). The real one lists ten class names in 61 bytes, so a larger
    /// file is something else, and is not read whole to find out.
    /// </summary>
    public const int MaxMetaFileBytes = 1 << 20;

    private static string[] ReadClassNames(string path)
    {
        var lines = ReadMetaLines(path);
        var named = lines.Select((text, i) => (Text: text.Trim(), Line: i + 1)).Where(l => l.Text.Length > 0).ToArray();
        var names = named.Select(l => l.Text).ToArray();
        if (names.Any(FileFormatSniffer.LooksBinary))
            throw new DatasetFormatException(path,
                $"{path}: expected 10 class names, one per line, found {FileFormatSniffer.DescribeFile(path)}.", 0);
        if (names.Length != 10)
            throw new DatasetFormatException(path,
                $"{path}: expected 10 class names, one per line, found {names.Length}" +
                (names.Length == 0 ? $" ({FileFormatSniffer.DescribeFile(path)})." : $": {ErrorText.Excerpt(string.Join(", ", names.Take(12)), 200)}."));
        // Two classes of one name could not be told apart by name, in a class subset or in a report.
        var seen = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        foreach (var (text, line) in named)
            if (!seen.TryAdd(text, line))
                throw new DatasetFormatException(path,
                    $"{path}: line {line} names class '{ErrorText.Excerpt(text)}' again (first on line {seen[text]}); expected 10 distinct class names.");
        return names;
    }

    private static List<string> ReadMetaLines(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1);
        if (stream.Length > MaxMetaFileBytes)
            throw new DatasetFormatException(path,
                $"{path}: the file is {stream.Length:N0} bytes; a batches.meta.txt lists 10 class names, one per line, in well under " +
                $"{MaxMetaFileBytes:N0} bytes ({FileFormatSniffer.DescribeFile(path)}).", 0);
        // The length was checked once; reading through a bounded stream keeps a file that grows meanwhile small too.
        using var reader = new StreamReader(new BoundedStream(stream, 0, MaxMetaFileBytes));
        var lines = new List<string>();
        while (reader.ReadLine() is { } line) lines.Add(line);
        return lines;
    }
}
