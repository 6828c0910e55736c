using Catapults.ML.Data;
using Catapults.ML.Scaling;

namespace Catapults.ML.Tests.Scaling;

/// <summary>
/// The bounds <see cref="FeatureStrengthCellSpec.Validate"/> states, at their edges: the rank-4 task reads four input
/// coordinates, the online-loss window is a fraction in (0, 1], and the divergence factor is a multiple above 1 of the
/// first batch loss. Found by mutation testing (round 19C): moving any of these edges passed every test.
/// </summary>
[TestFixture]
public sealed class CellSpecValidationTests
{
    private static ArgumentException Refused(FeatureStrengthCellSpec spec) => Assert.Throws<ArgumentException>(spec.Validate)!;

    [Test]
    public void TheRankFourTaskNeedsFourInputs()
    {
        var ex = Refused(new FeatureStrengthCellSpec { Task = SyntheticTaskKind.Rank4, InputDimension = 3 });
        Assert.That(ex.ParamName, Is.EqualTo(nameof(FeatureStrengthCellSpec.InputDimension)));
        Assert.That(ex.Message, Does.StartWith("InputDimension must be at least 4 for Rank4, got 3."));
        Assert.DoesNotThrow(new FeatureStrengthCellSpec { Task = SyntheticTaskKind.Rank4, InputDimension = 4 }.Validate);
        Assert.DoesNotThrow(new FeatureStrengthCellSpec { Task = SyntheticTaskKind.Rank2, InputDimension = 2 }.Validate);
    }

    [Test]
    public void AnOnlineLossWindowOfTheWholeRunIsAllowed()
    {
        Assert.DoesNotThrow(new FeatureStrengthCellSpec { OnlineLossWindow = 1 }.Validate);
        foreach (double window in new[] { 0.0, 1.5, double.NaN })
            Assert.That(Refused(new FeatureStrengthCellSpec { OnlineLossWindow = window }).ParamName,
                Is.EqualTo(nameof(FeatureStrengthCellSpec.OnlineLossWindow)), $"window {window}");
    }

    [Test]
    public void ADivergenceFactorMustLieAboveOne()
    {
        // A factor of 1 or less would take any batch loss above the first one, an ordinary fluctuation, for divergence.
        foreach (double factor in new[] { 1.0, 0.5, double.NaN })
        {
            var ex = Refused(new FeatureStrengthCellSpec { DivergenceFactor = factor });
            Assert.That(ex.ParamName, Is.EqualTo(nameof(FeatureStrengthCellSpec.DivergenceFactor)), $"factor {factor}");
        }
        Assert.DoesNotThrow(new FeatureStrengthCellSpec { DivergenceFactor = 1.5 }.Validate);
    }
}
