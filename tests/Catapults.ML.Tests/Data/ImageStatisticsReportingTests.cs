using Catapults.ML.Data;
using Catapults.ML.Data.Images;
using Catapults.ML.Tests.Data.Fixtures;
using TorchSharp;

namespace Catapults.ML.Tests.Data;

/// <summary>
/// A dataset or stream reports the channel statistics it was standardised with, and none when it was not
/// standardised, even if the options carry statistics: reporting them would claim a normalisation the features lack.
/// </summary>
public sealed class ImageStatisticsReportingTests : TemporaryFolderTests
{
    private SvhnReader _reader = null!;

    private static readonly ChannelStatistics Given = new([0.5, 0.25, 0.75], [0.1, 0.2, 0.3]);

    [SetUp]
    public void WriteFixture()
    {
        var dir = Temp.Combine("svhn");
        DatasetFixtures.WriteSvhn(Path.Combine(dir, "train_32x32.mat"), 4, compressed: false);
        _reader = new SvhnReader(dir);
    }

    [TestCase(PixelNormalization.None)]
    [TestCase(PixelNormalization.UnitRange)]
    public void LoadWithoutStandardisingReportsNoStatistics(PixelNormalization normalization)
    {
        using var scope = torch.NewDisposeScope();
        using var data = ImageDatasetLoader.Load(_reader, new ImageDatasetOptions { Normalization = normalization, Statistics = Given });
        Assert.That(data.Statistics, Is.Null);
        // The features are what the normalisation alone says: raw bytes, or bytes / 255.
        float expected = DatasetFixtures.SvhnPixel(0, 0, 0, 0) / (normalization == PixelNormalization.None ? 1f : 255f);
        Assert.That(data.Data.Features[0, 0].ToSingle(), Is.EqualTo(expected).Within(1e-6f));
    }

    [TestCase(PixelNormalization.None)]
    [TestCase(PixelNormalization.UnitRange)]
    public void StreamWithoutStandardisingReportsNoStatistics(PixelNormalization normalization)
    {
        var stream = ImageDatasetLoader.Stream(_reader, new ImageDatasetOptions { Normalization = normalization, Statistics = Given });
        Assert.That(stream.Statistics, Is.Null);
    }

    [Test]
    public void StandardisedLoadReportsTheGivenStatistics()
    {
        using var scope = torch.NewDisposeScope();
        using var data = ImageDatasetLoader.Load(_reader, new ImageDatasetOptions { Normalization = PixelNormalization.Standardize, Statistics = Given });
        Assert.That(data.Statistics, Is.SameAs(Given));
        float expected = (DatasetFixtures.SvhnPixel(0, 0, 0, 0) / 255f - 0.5f) / 0.1f;
        Assert.That(data.Data.Features[0, 0].ToSingle(), Is.EqualTo(expected).Within(1e-4f));
    }
}
