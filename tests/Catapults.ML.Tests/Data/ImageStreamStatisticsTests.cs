using Catapults.ML.Data.Images;
using Catapults.ML.Tests.Data.Fixtures;

namespace Catapults.ML.Tests.Data;

/// <summary>Found by mutation testing (5 Dec 2026), a fault no test saw: a standardised stream of the test split uses the training split's statistics.</summary>
public class ImageStreamStatisticsTests
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
