using Catapults.ML.Runtime;
using Catapults.ML.Data.Images;
using Catapults.ML.Tests.Data.Fixtures;
using Catapults.ML.Tests.Support;
using TorchSharp;

namespace Catapults.ML.Tests.Data;

/// <summary>The common options, exercised on a CIFAR-10 fixture of 200 training images (20 per class) and 20 test images (2 per class).</summary>
public class ImageDatasetLoaderTests
{
    private TempDirectory _temp = null!;
    private Cifar10Reader _reader = null!;

    [OneTimeSetUp]
    public void WriteFixture()
    {
        _temp = new TempDirectory();
        _reader = new Cifar10Reader(DatasetFixtures.WriteCifar(_temp.Path, perBatch: 40, testCount: 20));
    }

    [OneTimeTearDown]
    public void Delete() => _temp.Dispose();

    [Test]
    public void ClassSubsetKeepsOnlyThoseClassesNumberedInSubsetOrder()
    {
        using var data = ImageDatasetLoader.Load(_reader, new ImageDatasetOptions { Classes = [5, 3] });
        var expected = Enumerable.Range(0, 200).Where(n => DatasetFixtures.CifarLabel(n) is 3 or 5).ToArray();
        Assert.That(data.Selection.RecordIndices, Is.EqualTo(expected));
        Assert.That(data.ClassNames, Is.EqualTo(new[] { "dog", "cat" }));
        Assert.That(data.Data.Targets.data<long>().ToArray(), Is.EqualTo(expected.Select(n => DatasetFixtures.CifarLabel(n) == 5 ? 0L : 1L)));
    }

    [Test]
    public void SamplesPerClassIsSeededExactAndIndependentOfOtherClasses()
    {
        var options = new ImageDatasetOptions { SamplesPerClass = 5, Seed = 11 };
        var a = ImageSelection.Create(_reader, options);
        var b = ImageSelection.Create(_reader, options);
        var c = ImageSelection.Create(_reader, new ImageDatasetOptions { SamplesPerClass = 5, Seed = 12 });
        Assert.That(a.Count, Is.EqualTo(50));
        Assert.That(a.RecordIndices, Is.EqualTo(b.RecordIndices));
        Assert.That(a.RecordIndices, Is.Not.EqualTo(c.RecordIndices));
        Assert.That(a.RecordIndices, Is.Ordered.Ascending);
        for (int k = 0; k < 10; k++) Assert.That(a.ClassIndices.Count(x => x == k), Is.EqualTo(5));
        // The cats drawn do not depend on which other classes are selected.
        var cats = ImageSelection.Create(_reader, new ImageDatasetOptions { SamplesPerClass = 5, Seed = 11, Classes = [3, 7] });
        Assert.That(cats.RecordIndices.Where((r, i) => cats.ClassIndices[i] == 0),
            Is.EqualTo(a.RecordIndices.Where((r, i) => a.ClassIndices[i] == 3)));
    }

    [Test]
    public void AskingForMoreImagesThanAClassHasIsAnError()
    {
        var ex = Assert.Throws<InvalidOperationException>(() => ImageDatasetLoader.Load(_reader, new ImageDatasetOptions { SamplesPerClass = 21 }));
        Assert.That(ex!.Message, Does.Contain("only 20 images of class 0 (airplane)").And.Contain("21"));
        Assert.Throws<ArgumentException>(() => ImageDatasetLoader.Load(_reader, new ImageDatasetOptions { Classes = [3, 3] }));
        Assert.Throws<ArgumentException>(() => ImageDatasetLoader.Load(_reader, new ImageDatasetOptions { Split = DatasetSplit.Validation }));
    }

    [Test]
    public void LabelMappings()
    {
        using (var oneHot = ImageDatasetLoader.Load(_reader, new ImageDatasetOptions { Classes = [1, 2, 4], Labels = LabelMapping.OneHot }))
        {
            Assert.That(oneHot.Data.Targets.shape, Is.EqualTo(new long[] { 60, 3 }));
            var rows = oneHot.Data.Targets.data<float>().ToArray();
            for (int i = 0; i < 60; i++)
            {
                int k = oneHot.Selection.ClassIndices[i];
                Assert.That(rows.Skip(3 * i).Take(3), Is.EqualTo(Enumerable.Range(0, 3).Select(j => j == k ? 1f : 0f)));
            }
        }
        using (var pm = ImageDatasetLoader.Load(_reader, new ImageDatasetOptions { Classes = [1, 2, 4], Labels = LabelMapping.PlusMinusOne }))
        {
            var rows = pm.Data.Targets.data<float>().ToArray();
            int k = pm.Selection.ClassIndices[0];
            Assert.That(rows.Take(3), Is.EqualTo(Enumerable.Range(0, 3).Select(j => j == k ? 1f : -1f)));
        }
        using (var binary = ImageDatasetLoader.Load(_reader, new ImageDatasetOptions { Classes = [9, 0], Labels = LabelMapping.PlusMinusOne }))
        {
            Assert.That(binary.Data.Targets.shape, Is.EqualTo(new long[] { 40, 1 }));
            var t = binary.Data.Targets.data<float>().ToArray();
            for (int i = 0; i < 40; i++)
                Assert.That(t[i], Is.EqualTo(DatasetFixtures.CifarLabel(binary.Selection.RecordIndices[i]) == 0 ? 1f : -1f), "class 0 is 9 (truck): −1");
        }
    }

    [Test]
    public void UnitRangeIsByteOver255()
    {
        using var data = ImageDatasetLoader.Load(_reader, new ImageDatasetOptions { Split = DatasetSplit.Test });
        var x = data.Data.Features.data<float>().ToArray();
        for (int i = 0; i < 3072; i += 37)
            Assert.That(x[3072 + i], Is.EqualTo((float)(DatasetFixtures.CifarPixel(100001, i / 1024, i % 1024 / 32, i % 32) / 255.0)));
        Assert.That(data.Statistics, Is.Null);
    }

    [Test]
    public void StandardizeUsesTrainingStatisticsForBothSplits()
    {
        var options = new ImageDatasetOptions { Classes = [2, 6], SamplesPerClass = 2, Seed = 1, Normalization = PixelNormalization.Standardize, Layout = FeatureLayout.Image };
        using var train = ImageDatasetLoader.Load(_reader, options);
        using var raw = ImageDatasetLoader.Load(_reader, new ImageDatasetOptions { Classes = [2, 6], SamplesPerClass = 2, Seed = 1, Layout = FeatureLayout.Image });

        // Independent computation: mean and population std per channel of the unit-range tensor.
        using var unit = raw.Data.Features.to_type(torch.ScalarType.Float64);
        using var mean = unit.mean([0L, 2L, 3L]);
        using var std = unit.std([0L, 2L, 3L], unbiased: false);
        var stats = train.Statistics!;
        for (int c = 0; c < 3; c++)
        {
            Assert.That(stats.Mean[c], Is.EqualTo(mean[c].ToDouble()).Within(1e-6));
            Assert.That(stats.Std[c], Is.EqualTo(std[c].ToDouble()).Within(1e-6));
        }
        // The standardised training set has mean 0 and std 1 per channel.
        using var z = train.Data.Features.to_type(torch.ScalarType.Float64);
        TensorAssert.AllClose(z.mean([0L, 2L, 3L]), torch.zeros(3, torch.ScalarType.Float64), 0, 1e-5, "mean");
        TensorAssert.AllClose(z.std([0L, 2L, 3L], unbiased: false), torch.ones(3, torch.ScalarType.Float64), 0, 1e-5, "std");

        // The test split, with no statistics given, is standardised with those of the same selection of the training split.
        using var test = ImageDatasetLoader.Load(_reader, options.WithSplit(DatasetSplit.Test));
        Assert.That(test.Count, Is.EqualTo(4));
        Assert.That(test.Statistics!.Mean, Is.EqualTo(stats.Mean));
        Assert.That(test.Statistics.Std, Is.EqualTo(stats.Std));
        var testValues = test.Data.Features.data<float>().ToArray();
        for (int i = 0; i < 4; i++)
            for (int c = 0; c < 3; c++)
            {
                byte b = DatasetFixtures.CifarPixel(100000 + test.Selection.RecordIndices[i], c, 4, 9);
                Assert.That(testValues[i * 3072 + c * 1024 + 4 * 32 + 9], Is.EqualTo((b / 255.0 - stats.Mean[c]) / stats.Std[c]).Within(1e-5));
            }
    }

    [Test]
    public void GivenStatisticsAreUsedAsIs()
    {
        var stats = new ChannelStatistics([0.5, 0.25, 0], [0.5, 0.25, 1]);
        using var data = ImageDatasetLoader.Load(_reader, new ImageDatasetOptions { Split = DatasetSplit.Test, Normalization = PixelNormalization.Standardize, Statistics = stats });
        byte b = DatasetFixtures.CifarPixel(100002, 1, 0, 3);
        Assert.That(data.Data.Features[2, 1024 + 3].ToSingle(), Is.EqualTo((float)((b / 255.0 - 0.25) / 0.25)));
        Assert.Throws<ArgumentException>(() => new ChannelStatistics([0.1], [0]));
    }

    [Test]
    public void StreamGivesTheSameValuesAsLoad()
    {
        var options = new ImageDatasetOptions { SamplesPerClass = 2, Seed = 4, Normalization = PixelNormalization.Standardize };
        using var loaded = ImageDatasetLoader.Load(_reader, options);
        var stream = ImageDatasetLoader.Stream(_reader, options);
        Assert.That(stream.Count, Is.EqualTo(20));
        Assert.That(stream.Statistics!.Mean, Is.EqualTo(loaded.Statistics!.Mean));
        var rows = stream.ToList();
        var x = loaded.Data.Features.data<float>().ToArray();
        for (int i = 0; i < rows.Count; i++)
        {
            Assert.That(rows[i].RecordIndex, Is.EqualTo(loaded.Selection.RecordIndices[i]));
            Assert.That(rows[i].ClassIndex, Is.EqualTo(loaded.Selection.ClassIndices[i]));
            Assert.That(rows[i].Features, Is.EqualTo(x.Skip(i * 3072).Take(3072)), $"row {i}");
        }
        Assert.That(stream.Count(), Is.EqualTo(20), "a stream can be enumerated again");
    }

    [Test]
    public void LoadingAndDisposingLeavesNoTensors()
    {
        TensorAssert.NoLeak(
            () => ImageDatasetLoader.Load(_reader, new ImageDatasetOptions { Split = DatasetSplit.Test }).Dispose(),
            () => ImageDatasetLoader.Load(_reader, new ImageDatasetOptions { Split = DatasetSplit.Test, Labels = LabelMapping.OneHot }).Dispose(),
            "image dataset load");
    }

    // A reader of a few labels and huge images: the features need more than the machine has, which libtorch
    // reported as a 16-line native allocation error (or, with overcommit, a tensor that failed page by page).
    private sealed class HugeImagesReader(int count) : IImageDatasetReader
    {
        public string DatasetName => "Huge";
        public string Directory => "/nowhere";
        public ImageShape Shape => new(3, 8192, 8192);
        public IReadOnlyList<string> ClassNames => ["a", "b"];
        public IReadOnlyList<DatasetSplit> Splits => [DatasetSplit.Train];
        public int[] ReadLabels(DatasetSplit split) => Enumerable.Range(0, count).Select(i => i % 2).ToArray();
        public IEnumerable<LabeledImage> ReadImages(DatasetSplit split, IReadOnlyList<int>? recordIndices = null) =>
            throw new AssertionException("no image is read before the memory check");
    }

    [Test]
    public void FeaturesLargerThanTheAvailableMemoryAreRefusedBeforeAllocating()
    {
        double available = MemoryBudget.AvailableBytes;
        int count = checked((int)(available / (3L * 8192 * 8192 * sizeof(float)) + 1));
        var ex = Assert.Throws<ArgumentException>(() => ImageDatasetLoader.Load(new HugeImagesReader(count)));
        Assert.That(ex!.Message, Does.StartWith($"Huge Train: {count:N0} images of 3×8192×8192 as float32 features needs about ")
            .And.Contain("SamplesPerClass").And.Contain("ImageDatasetLoader.Stream").And.Not.Contain("\n"));
    }

    [Test]
    public void TheMemoryCheckComparesTheFeatureBytesWithTheLimit()
    {
        var selection = ImageSelection.Create(_reader, new ImageDatasetOptions());
        long needed = 200L * 3 * 32 * 32 * sizeof(float);
        Assert.DoesNotThrow(() => ImageDatasetLoader.CheckMemory(_reader, selection, _reader.Shape, needed));
        var ex = Assert.Throws<ArgumentException>(() => ImageDatasetLoader.CheckMemory(_reader, selection, _reader.Shape, needed - 1));
        Assert.That(ex!.Message, Does.StartWith(
            "CIFAR-10 Train: 200 images of 3×32×32 as float32 features needs about 2.34 MiB of memory, more than the 2.34 MiB available; use smaller sizes. " +
            "Select fewer with ImageDatasetOptions.SamplesPerClass or ImageDatasetOptions.Classes, or read them one at a time with ImageDatasetLoader.Stream."));
    }

    // (FeatureLayout)77 was loaded as Flat and (LabelMapping)77 as one-hot, without a word.
    private static IEnumerable<TestCaseData> UndefinedEnumOptions()
    {
        yield return new TestCaseData(new ImageDatasetOptions { Layout = (FeatureLayout)77 }, "ImageDatasetOptions.Layout must be one of ");
        yield return new TestCaseData(new ImageDatasetOptions { Labels = (LabelMapping)77 }, "ImageDatasetOptions.Labels must be one of ");
        yield return new TestCaseData(new ImageDatasetOptions { Normalization = (PixelNormalization)77 }, "ImageDatasetOptions.Normalization must be one of ");
        yield return new TestCaseData(new ImageDatasetOptions { Split = (DatasetSplit)77 }, "ImageDatasetOptions.Split must be one of ");
    }

    [TestCaseSource(nameof(UndefinedEnumOptions))]
    public void AnUndefinedEnumValueIsRefusedNamingTheOption(ImageDatasetOptions options, string expected)
    {
        foreach (var load in new Action[] { () => ImageDatasetLoader.Load(_reader, options).Dispose(), () => ImageDatasetLoader.Stream(_reader, options) })
        {
            var ex = Assert.Throws<ArgumentOutOfRangeException>(() => load());
            Assert.That(ex!.Message, Does.StartWith(expected).And.Contain(", got 77.").And.Not.Contain("\n"));
            Assert.That(ex.ParamName, Is.EqualTo("options"));
        }
    }

    [Test]
    public void LabelEncoderRefusesAnUndefinedMapping()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => LabelEncoder.TargetWidth((LabelMapping)77, 3));
        Assert.That(ex!.Message, Does.StartWith("The label mapping must be one of ClassIndex, "));
        Assert.Throws<ArgumentOutOfRangeException>(() => ImageDatasets.Open((ImageDatasetKind)77));
    }

    // Found by mutation testing (5 Dec 2026): a standardised stream of the test split normalised with the test split's
    // own statistics (a leak, and a stream that disagrees with Load) passed every test.
    [Test]
    public void AStandardisedTestStreamUsesTheTrainingStatisticsAsLoadDoes()
    {
        var options = new ImageDatasetOptions { Split = DatasetSplit.Test, Normalization = PixelNormalization.Standardize };
        using var loaded = ImageDatasetLoader.Load(_reader, options);
        var training = ImageDatasetLoader.ComputeStatistics(_reader, options.WithSplit(DatasetSplit.Train));
        var stream = ImageDatasetLoader.Stream(_reader, options);
        Assert.That(loaded.Statistics!.Mean, Is.EqualTo(training.Mean), "Load: the training split's statistics");
        Assert.That(stream.Statistics!.Mean, Is.EqualTo(training.Mean), "Stream: the same");
        Assert.That(stream.Statistics.Std, Is.EqualTo(training.Std));
        var rows = stream.ToList();
        var x = loaded.Data.Features.data<float>().ToArray();
        Assert.That(rows[0].Features, Is.EqualTo(x.Take(3072)));
    }
}
