using Catapults.ML.Scaling;

namespace Catapults.ML.Tests.Scaling;

/// <summary>The scaling numerics the engine keeps: the log–log fit and the sweep options' checks.</summary>
public class ScalingNumericsTests
{
    private static FeatureStrengthSweepOptions Options(double startFactor) => new()
    {
        Gammas = new[] { 0.01, 0.1, 10.0, 100.0 },
        LevelSpacingDecades = 0.25,
        StartingLearningRate = g => g * startFactor,
    };

    [Test]
    public void LogLogFitRecoversAKnownPowerLaw()
    {
        var x = new[] { 0.001, 0.01, 0.1, 0.5 };
        var fit = LogLogFit.Fit(x, x.Select(v => 7 * Math.Pow(v, 1.7)).ToList());
        Assert.That(fit.Slope, Is.EqualTo(1.7).Within(1e-12));
        Assert.That(fit.Intercept, Is.EqualTo(Math.Log10(7)).Within(1e-12));
        Assert.That(fit.RSquared, Is.EqualTo(1.0).Within(1e-12));
        Assert.That(fit.Predict(2.0), Is.EqualTo(7 * Math.Pow(2, 1.7)).Within(1e-9));
        // Hand-computed least squares: points (0, 0), (1, 1), (2, 3) in log space: slope 1.5, intercept −1/6.
        var noisy = LogLogFit.Fit(new[] { 1.0, 10, 100 }, new[] { 1.0, 10, 1000 });
        Assert.That(noisy.Slope, Is.EqualTo(1.5).Within(1e-12));
        Assert.That(noisy.Intercept, Is.EqualTo(-1.0 / 6).Within(1e-12));
        Assert.That(noisy.SlopeStandardError, Is.EqualTo(Math.Sqrt(1.0 / 6 / 2)).Within(1e-12));
        Assert.Throws<ArgumentException>(() => LogLogFit.Fit(new[] { 1.0, 1.0 }, new[] { 1.0, 2.0 }));
        // The message names the point; the parameter named is the one holding the bad value.
        Assert.That(Assert.Throws<ArgumentException>(() => LogLogFit.Fit(new[] { 1.0, 2.0 }, new[] { 1.0, -2.0 }))!.ParamName, Is.EqualTo("y"));
        Assert.That(Assert.Throws<ArgumentException>(() => LogLogFit.Fit(new[] { 1.0, 0.0 }, new[] { 1.0, 2.0 }))!.ParamName, Is.EqualTo("x"));
    }

    [Test]
    public void LogLogFitOfFewerThanTwoPointsSaysSo([Values(0, 1)] int count)
    {
        // An empty fit threw LINQ's "Sequence contains no elements" from the means.
        var points = Enumerable.Repeat(1.0, count).ToArray();
        var ex = Assert.Throws<ArgumentException>(() => LogLogFit.Fit(points, points));
        Assert.That(ex!.ParamName, Is.EqualTo("x"));
        Assert.That(ex.Message, Does.StartWith($"A slope needs at least two points, got {count}."));
    }

    [TestCase(nameof(FeatureStrengthSweepOptions.MaxDecadesAbove))]
    [TestCase(nameof(FeatureStrengthSweepOptions.DecadesBelowFirstStable))]
    public void InfiniteDecadeCountsAreRefused(string option)
    {
        // +∞ passed validation and saturated the int cast of the level count.
        var options = Options(30);
        if (option == nameof(FeatureStrengthSweepOptions.MaxDecadesAbove)) options.MaxDecadesAbove = double.PositiveInfinity;
        else options.DecadesBelowFirstStable = double.PositiveInfinity;
        var ex = Assert.Throws<ArgumentException>(options.Validate);
        Assert.That(ex!.ParamName, Is.EqualTo(option));
        Assert.That(ex.Message, Does.Contain("finite"));
    }

    [Test]
    public void ScansWhoseRatesCouldLeaveADoublesRangeAreRefused()
    {
        // A lattice of 100-decade steps reached η = 10^-100 at its first step down and 0 at its fourth; training then
        // threw from inside a cell.
        var coarse = Options(30);
        coarse.LevelSpacingDecades = 100;
        var ex = Assert.Throws<ArgumentException>(coarse.Validate);
        Assert.That(ex!.ParamName, Is.EqualTo(nameof(FeatureStrengthSweepOptions.LevelSpacingDecades)));
        Assert.That(ex.Message, Does.Contain("γ = 0.01").And.Contain("10^-4000"));
        Assert.Throws<ArgumentException>(() => new LearningRateScan(0, 0.01, coarse));

        // The bound is 10^±300: from η = 1, 40 levels of 7.5 decades end exactly at 10^-300, of 7.6 beyond it.
        var edge = Options(30);
        edge.StartingLearningRate = _ => 1;
        edge.LevelSpacingDecades = 7.5;
        Assert.That(LearningRateScan.RangeProblem(1, edge), Is.Null);
        Assert.That(SweepCell.RateAtLevel(-edge.MaxCellsPerGamma, 7.5), Is.EqualTo(1e-300).Within(1e-312));
        edge.LevelSpacingDecades = 7.6;
        Assert.That(LearningRateScan.RangeProblem(1, edge), Does.Contain("10^-304"));
        // Upwards: a start at 10^298 may climb MaxDecadesAbove = 3 decades, to 10^301.
        edge.LevelSpacingDecades = 0.25;
        edge.StartingLearningRate = _ => 1e298;
        Assert.That(LearningRateScan.RangeProblem(1, edge), Does.Contain("10^301"));
        // A lattice so fine that its levels overflow an int (it threw OverflowException from a cell's name).
        edge.StartingLearningRate = _ => 0.03;
        edge.LevelSpacingDecades = 1e-300;
        Assert.That(LearningRateScan.RangeProblem(1, edge), Does.Contain("levels from η = 1"));
        edge.LevelSpacingDecades = 1e-6;
        Assert.That(LearningRateScan.RangeProblem(1, edge), Is.Null, "3 decades above and 1.5 below are 4.5 million levels");
        edge.StartingLearningRate = _ => 0;
        Assert.That(LearningRateScan.RangeProblem(1, edge), Does.Contain("not a positive finite number"));
    }

    [Test]
    public void OptionsNameTheBadSetting()
    {
        var options = Options(30);
        options.Gammas = new[] { 0.1, -1 };
        Assert.That(Assert.Throws<ArgumentException>(options.Validate)!.Message, Does.Contain("Gammas[1]"));
        options = Options(30);
        options.StartingLearningRate = null;
        Assert.That(Assert.Throws<ArgumentException>(options.Validate)!.ParamName, Is.EqualTo("StartingLearningRate"));
        Assert.That(FeatureStrengthSweepOptions.LogGrid(0.01, 100, 5), Is.EqualTo(new[] { 0.01, 0.1, 1, 10, 100 }).Within(1e-12));
    }

    [Test]
    public void ALatticeTooFineForAStartFarBelowOneIsRefused()
    {
        // η = 10^-100 on a lattice of 10^-8 decades is level −10^10, beyond an int, though the scan's few cells around it
        // stay inside 10^±300: the level count is a distance from η = 1 whichever side the start lies. Found by mutation
        // testing (round 19C): counting signed levels let starts below 1 through, to overflow the level index.
        var options = Options(30);
        options.StartingLearningRate = _ => 1e-100;
        options.LevelSpacingDecades = 1e-8;
        Assert.That(LearningRateScan.RangeProblem(1, options), Does.Contain("levels from η = 1"));
        var ex = Assert.Throws<ArgumentException>(options.Validate);
        Assert.That(ex!.ParamName, Is.EqualTo(nameof(FeatureStrengthSweepOptions.LevelSpacingDecades)));
        // On a lattice of 2·10^-7 decades the start and the 3 decades above it span 5.15·10^8 levels: within the bound.
        options.LevelSpacingDecades = 2e-7;
        Assert.That(LearningRateScan.RangeProblem(1, options), Is.Null);
    }
}
