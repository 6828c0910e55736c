using Catapults.ML.Data;
using Catapults.ML.Data.Images;
using Catapults.ML.Tests.Data.Fixtures;
using Catapults.Pipelines.Data;
using Microsoft.ML;
using Microsoft.ML.Data;
using TorchSharp;

namespace Catapults.Pipelines.Tests.Data;

/// <summary>The IDataView loaders, checked against the fixture formulas and against the engine's tensor path.</summary>
public class ImageDataViewTests
{
    private TempDirectory _temp = null!;
    private readonly MLContext _ml = new(seed: 0);

    [OneTimeSetUp]
    public void WriteFixtures()
    {
        _temp = new TempDirectory();
        DatasetFixtures.WriteCifar(_temp.Path, perBatch: 6, testCount: 5);
        DatasetFixtures.WriteSvhn(_temp.Combine("svhn", "train_32x32.mat"), 30, compressed: true, labelsAsUInt8: true);
        DatasetFixtures.WriteSvhn(_temp.Combine("svhn", "test_32x32.mat"), 10, compressed: false);
        DatasetFixtures.WriteCelebA(_temp.Path, count: 10);
    }

    [OneTimeTearDown]
    public void Delete() => _temp.Dispose();

    private static List<(float[] Features, T Label)> ReadAll<T>(IDataView view)
    {
        var rows = new List<(float[], T)>();
        var features = view.Schema["Features"];
        var label = view.Schema["Label"];
        using var cursor = view.GetRowCursor([features, label]);
        var getFeatures = cursor.GetGetter<VBuffer<float>>(features);
        var getLabel = cursor.GetGetter<T>(label);
        VBuffer<float> x = default;
        T y = default!;
        while (cursor.MoveNext())
        {
            getFeatures(ref x);
            getLabel(ref y);
            rows.Add((x.DenseValues().ToArray(), y));
        }
        return rows;
    }

    [Test]
    public void Cifar10ViewHasKnownSizeFeaturesKeyLabelsAndExactPixels()
    {
        var view = _ml.Data.LoadCifar10(new ImageDatasetOptions { Split = DatasetSplit.Test }, dataRoot: _temp.Path);
        var featuresType = (VectorDataViewType)view.Schema["Features"].Type;
        Assert.That(featuresType.ItemType, Is.EqualTo(NumberDataViewType.Single));
        Assert.That(featuresType.Size, Is.EqualTo(3072));
        Assert.That(((KeyDataViewType)view.Schema["Label"].Type).Count, Is.EqualTo(10UL));
        Assert.That(view.GetRowCount(), Is.EqualTo(5));
        Assert.That(view.ClassNames, Is.EqualTo(DatasetFixtures.CifarClasses));

        var rows = ReadAll<uint>(view);
        Assert.That(rows, Has.Count.EqualTo(5));
        for (int n = 0; n < 5; n++)
        {
            Assert.That(rows[n].Label, Is.EqualTo((uint)DatasetFixtures.CifarLabel(100000 + n) + 1), "keys are class + 1");
            for (int i = 0; i < 3072; i++)
                if (rows[n].Features[i] != (float)(DatasetFixtures.CifarPixel(100000 + n, i / 1024, i % 1024 / 32, i % 32) / 255.0))
                    Assert.Fail($"row {n} feature {i}");
        }
    }

    [Test]
    public void KeyValuesCarryTheClassNames()
    {
        var view = _ml.Data.LoadCifar10(new ImageDatasetOptions { Classes = [3, 5] }, dataRoot: _temp.Path);
        var names = default(VBuffer<ReadOnlyMemory<char>>);
        view.Schema["Label"].GetKeyValues(ref names);
        Assert.That(names.DenseValues().Select(m => m.ToString()), Is.EqualTo(new[] { "cat", "dog" }));
        var mapped = _ml.Transforms.Conversion.MapKeyToValue("ClassName", "Label").Fit(view).Transform(view);
        var classNames = mapped.GetColumn<ReadOnlyMemory<char>>("ClassName").Select(m => m.ToString()).ToList();
        var expected = Enumerable.Range(0, 30).Where(n => DatasetFixtures.CifarLabel(n) is 3 or 5)
            .Select(n => DatasetFixtures.CifarLabel(n) == 3 ? "cat" : "dog");
        Assert.That(classNames, Is.EqualTo(expected));
    }

    [Test]
    public void ViewAndTensorPathsAgreeExactly()
    {
        var options = new ImageDatasetOptions { Normalization = PixelNormalization.Standardize, Labels = LabelMapping.OneHot };
        var reader = Cifar10Reader.FromDataRoot(_temp.Path);
        using var loaded = ImageDatasetLoader.Load(reader, options);
        var view = _ml.Data.LoadImageDataset(reader, options);
        Assert.That(view.Statistics!.Mean, Is.EqualTo(loaded.Statistics!.Mean));
        using var converted = view.ToTensorDataset();
        Assert.That(converted.Features.shape, Is.EqualTo(loaded.Data.Features.shape));
        Assert.That(converted.Features.equal(loaded.Data.Features).all().ToBoolean(), Is.True, "features bit-identical");
        Assert.That(converted.Targets.shape, Is.EqualTo(new long[] { 30, 10 }));
        Assert.That(converted.Targets.equal(loaded.Data.Targets).all().ToBoolean(), Is.True, "one-hot targets");
    }

    [Test]
    public void SvhnCompressedViewIsColumnMajorCorrectAndBinaryPlusMinusOne()
    {
        var view = _ml.Data.LoadSvhn(new ImageDatasetOptions
        {
            Classes = [3, 8], Labels = LabelMapping.PlusMinusOne, Normalization = PixelNormalization.None,
        }, dataRoot: _temp.Path);
        Assert.That(view.Schema["Label"].Type, Is.EqualTo(NumberDataViewType.Single));
        var rows = ReadAll<float>(view);
        var records = view.Stream.Selection.RecordIndices;
        Assert.That(records, Is.EqualTo(Enumerable.Range(0, 30).Where(n => DatasetFixtures.SvhnDigit(n) is 3 or 8)));
        for (int i = 0; i < rows.Count; i++)
        {
            int n = records[i];
            Assert.That(rows[i].Label, Is.EqualTo(DatasetFixtures.SvhnDigit(n) == 8 ? 1f : -1f));
            for (int c = 0; c < 3; c++)
                for (int row = 0; row < 32; row += 5)
                    for (int col = 0; col < 32; col += 3)
                        Assert.That(rows[i].Features[c * 1024 + row * 32 + col], Is.EqualTo((float)DatasetFixtures.SvhnPixel(n, c, row, col)));
        }
        using var tensors = view.ToTensorDataset(new TensorConversionOptions { SampleShape = [3, 32, 32] });
        Assert.That(tensors.Features.shape, Is.EqualTo(new long[] { rows.Count, 3, 32, 32 }));
        Assert.That(tensors.Features[0, 0, 0, 1].ToSingle(), Is.EqualTo((float)DatasetFixtures.SvhnPixel(records[0], 0, 0, 1)));
        Assert.That(tensors.Targets.shape, Is.EqualTo(new long[] { rows.Count, 1 }));
    }

    [Test]
    public void CelebAViewMatchesTheTensorPath()
    {
        var celebA = new CelebAOptions { Attribute = "Smiling", ImageSize = 16, Grayscale = true };
        var view = _ml.Data.LoadCelebA(celebA, new ImageDatasetOptions { Split = DatasetSplit.Test }, dataRoot: _temp.Path);
        Assert.That(((VectorDataViewType)view.Schema["Features"].Type).Size, Is.EqualTo(256));
        var rows = ReadAll<uint>(view);
        using var loaded = ImageDatasetLoader.Load(CelebAReader.FromDataRoot(_temp.Path, celebA), new ImageDatasetOptions { Split = DatasetSplit.Test });
        var x = loaded.Data.Features.data<float>().ToArray();
        Assert.That(rows.Select(r => r.Label), Is.EqualTo(new uint[] { 2, 1 }), "image 9 (index 8) smiles, image 10 does not");
        for (int i = 0; i < 2; i++) Assert.That(rows[i].Features, Is.EqualTo(x.Skip(256 * i).Take(256)));
    }

    [Test]
    public void RowsAreReadFromDiskForEachCursor()
    {
        var svhn = _temp.Combine("svhn-stream");
        DatasetFixtures.WriteSvhn(Path.Combine(svhn, "test_32x32.mat"), 4, compressed: false);
        var view = _ml.Data.LoadImageDataset(new SvhnReader(svhn), new ImageDatasetOptions { Split = DatasetSplit.Test, Normalization = PixelNormalization.None });
        Assert.That(ReadAll<uint>(view)[2].Features[0], Is.EqualTo((float)DatasetFixtures.SvhnPixel(2, 0, 0, 0)));

        // Overwrite image 2's first pixel in place: the next cursor sees it, so nothing was cached.
        var path = Path.Combine(svhn, "test_32x32.mat");
        var file = ML.Data.Matlab.MatFile.Open(path);
        var bytes = File.ReadAllBytes(path);
        bytes[file.GetVariable("X").DataOffset + 2 * 3072] = 201;
        File.WriteAllBytes(path, bytes);
        Assert.That(ReadAll<uint>(view)[2].Features[0], Is.EqualTo(201f));

        File.Delete(path);
        Assert.Throws<FileNotFoundException>(() => ReadAll<uint>(view));
    }

    [Test]
    public void DataRootFromEnvironmentAndMissingDataset()
    {
        var previous = Environment.GetEnvironmentVariable(DataRoot.EnvironmentVariable);
        try
        {
            Environment.SetEnvironmentVariable(DataRoot.EnvironmentVariable, _temp.Path);
            Assert.That(_ml.Data.LoadSvhn(new ImageDatasetOptions { Split = DatasetSplit.Test }).GetRowCount(), Is.EqualTo(10));
            var empty = _temp.Combine("empty-root");
            Directory.CreateDirectory(empty);
            Environment.SetEnvironmentVariable(DataRoot.EnvironmentVariable, empty);
            var ex = Assert.Throws<DirectoryNotFoundException>(() => _ml.Data.LoadCelebA());
            Assert.That(ex!.Message, Does.Contain(Path.Combine(empty, "celeba")).And.Contain("list_attr_celeba.txt"));
        }
        finally
        {
            Environment.SetEnvironmentVariable(DataRoot.EnvironmentVariable, previous);
        }
    }

    // The view names the split it reads, and cannot shuffle: its rows are read from disk one at a time, in the reader's
    // order (mutation round 37B, M38 claimed shuffling and M39 named the training split for every view).
    [Test]
    public void TheViewNamesItsSplitAndCannotShuffle()
    {
        var test = _ml.Data.LoadCifar10(new ImageDatasetOptions { Split = DatasetSplit.Test }, dataRoot: _temp.Path);
        Assert.That((test.Split, test.CanShuffle), Is.EqualTo((DatasetSplit.Test, false)));
        var train = _ml.Data.LoadCifar10(new ImageDatasetOptions { Split = DatasetSplit.Train }, dataRoot: _temp.Path);
        Assert.That((train.Split, train.CanShuffle), Is.EqualTo((DatasetSplit.Train, false)));
    }
}
