using Catapults.ML.Scaling;

namespace Catapults.ML.Tests.Scaling;

/// <summary>
/// <see cref="FeatureStrengthSweepOptions.Validate"/> names the option at fault for a crossover band that is negative
/// or undefined and for a scan of no cells; neither bad value trips any later check (the range check passes both), so
/// without these rules a sweep would fit slopes over a band that means nothing, or run one cell per γ. Found by
/// mutation testing (round 24B).
/// </summary>
[TestFixture]
public sealed class SweepOptionsValidationTests
{
    private static FeatureStrengthSweepOptions Options() => new()
    {
        Gammas = new[] { 0.01, 0.1, 10.0, 100.0 },
        StartingLearningRate = g => g,
    };

    [TestCase(-0.5)]
    [TestCase(double.NaN)]
    [TestCase(double.PositiveInfinity)]
    public void ANegativeUndefinedOrInfiniteCrossoverBandIsRefused(double band)
    {
        var options = Options();
        options.SlopeFitExclusionDecades = band;
        var ex = Assert.Throws<ArgumentException>(options.Validate);
        Assert.That(ex!.ParamName, Is.EqualTo(nameof(FeatureStrengthSweepOptions.SlopeFitExclusionDecades)));
        Assert.That(ex.Message, Does.StartWith("SlopeFitExclusionDecades must be finite and ≥ 0"));
    }

    [Test]
    public void NoCrossoverBandIsAllowed()
    {
        var options = Options();
        options.SlopeFitExclusionDecades = 0;
        Assert.DoesNotThrow(options.Validate);
    }

    [Test]
    public void AScanOfNoCellsIsRefusedAndOfOneCellAllowed()
    {
        var options = Options();
        options.MaxCellsPerGamma = 0;
        var ex = Assert.Throws<ArgumentException>(options.Validate);
        Assert.That(ex!.ParamName, Is.EqualTo(nameof(FeatureStrengthSweepOptions.MaxCellsPerGamma)));
        Assert.That(ex.Message, Does.StartWith("MaxCellsPerGamma must be at least 1, got 0."));
        options.MaxCellsPerGamma = 1;
        Assert.DoesNotThrow(options.Validate);
    }
}
