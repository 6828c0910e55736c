using Catapults.ML.Runtime;

namespace Catapults.ML.Data.Images;

/// <summary>
/// Which records of a split a set of options selects, and the class (0..K−1, in subset order) of each. Built from
/// labels alone, before any pixel is read, so skipped images are never decoded.
/// </summary>
public sealed class ImageSelection
{
    private ImageSelection(DatasetSplit split, int[] recordIndices, int[] classIndices, int[] sourceClasses, string[] classNames)
    {
        Split = split;
        RecordIndices = recordIndices;
        ClassIndices = classIndices;
        SourceClasses = sourceClasses;
        ClassNames = classNames;
    }

    /// <summary>The split the records belong to.</summary>
    public DatasetSplit Split { get; }

    /// <summary>Selected record indices within the split, strictly increasing (file order).</summary>
    public IReadOnlyList<int> RecordIndices { get; }

    /// <summary>Class index 0..K−1 of each selected record, aligned with <see cref="RecordIndices"/>.</summary>
    public IReadOnlyList<int> ClassIndices { get; }

    /// <summary>The dataset's own label of each selected class: class k is the dataset's <c>SourceClasses[k]</c>.</summary>
    public IReadOnlyList<int> SourceClasses { get; }

    /// <summary>Names of the selected classes, indexed 0..K−1.</summary>
    public IReadOnlyList<string> ClassNames { get; }

    /// <summary>Number of selected records.</summary>
    public int Count => RecordIndices.Count;

    /// <summary>Number of classes K.</summary>
    public int ClassCount => SourceClasses.Count;

    /// <summary>
    /// Applies the class subset and the seeded n-per-class draw of <paramref name="options"/> to the labels of
    /// <paramref name="options"/>' split. Each class is drawn with its own generator, derived from the seed and the
    /// class's label, so the images chosen for one class do not depend on which other classes are selected.
    /// </summary>
    public static ImageSelection Create(IImageDatasetReader reader, ImageDatasetOptions options)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (!reader.Splits.Contains(options.Split))
            throw new ArgumentException(
                $"{reader.DatasetName} has no {options.Split} split; it has {string.Join(", ", reader.Splits)}.", nameof(options));
        int datasetClasses = reader.ClassNames.Count;
        int[] classes = options.Classes?.ToArray() ?? Enumerable.Range(0, datasetClasses).ToArray();
        if (classes.Length == 0) throw new ArgumentException("ImageDatasetOptions.Classes is empty; name at least one class.", nameof(options));
        foreach (int c in classes)
            if (c < 0 || c >= datasetClasses)
                throw new ArgumentException(
                    $"Class {c} is not a {reader.DatasetName} class; classes are 0..{datasetClasses - 1}: " +
                    string.Join(", ", reader.ClassNames.Select((n, i) => $"{i} = {n}")) + ".", nameof(options));
        if (classes.Distinct().Count() != classes.Length)
            throw new ArgumentException($"ImageDatasetOptions.Classes lists a class twice: {string.Join(", ", classes)}.", nameof(options));
        if (options.SamplesPerClass is < 1)
            throw new ArgumentOutOfRangeException(nameof(options), options.SamplesPerClass, "ImageDatasetOptions.SamplesPerClass must be at least 1.");
        if (options.Labels == LabelMapping.PlusMinusOne && classes.Length < 2)
            throw new ArgumentException("LabelMapping.PlusMinusOne needs at least two classes.", nameof(options));

        var newIndex = new int[datasetClasses];
        Array.Fill(newIndex, -1);
        for (int k = 0; k < classes.Length; k++) newIndex[classes[k]] = k;

        int[] labels = reader.ReadLabels(options.Split);
        var members = classes.Select(_ => new List<int>()).ToArray();
        for (int i = 0; i < labels.Length; i++)
        {
            int label = labels[i];
            if (label < 0 || label >= datasetClasses)
                throw new InvalidOperationException($"{reader.DatasetName} reader returned label {label} for record {i}; expected 0..{datasetClasses - 1}.");
            if (newIndex[label] >= 0) members[newIndex[label]].Add(i);
        }

        var chosen = new List<int>();
        for (int k = 0; k < classes.Length; k++)
        {
            var list = members[k];
            string name = $"class {classes[k]} ({reader.ClassNames[classes[k]]})";
            // Every class named explicitly, or drawn from, must be present; the implicit "all classes" need not be.
            if (list.Count == 0 && (options.Classes is not null || options.SamplesPerClass is not null))
                throw new InvalidOperationException($"{reader.DatasetName} {options.Split} split has no images of {name}.");
            if (options.SamplesPerClass is int n)
            {
                if (list.Count < n)
                    throw new InvalidOperationException(
                        $"{reader.DatasetName} {options.Split} split has only {list.Count} images of {name}; {n} per class were requested.");
                var random = Seeding.DotNetRandom(unchecked(options.Seed * 1_000_003 + classes[k]), Seeding.Stream.Data);
                var pool = list.ToArray();
                for (int i = 0; i < n; i++)
                {
                    int j = random.Next(i, pool.Length);
                    (pool[i], pool[j]) = (pool[j], pool[i]);
                }
                chosen.AddRange(pool.Take(n));
            }
            else
            {
                chosen.AddRange(list);
            }
        }
        chosen.Sort();
        var recordIndices = chosen.ToArray();
        var classIndices = recordIndices.Select(i => newIndex[labels[i]]).ToArray();
        return new ImageSelection(options.Split, recordIndices, classIndices, classes, classes.Select(c => reader.ClassNames[c]).ToArray());
    }
}
