using System.Text.Json;
using Catapults.ML.Data;
using Catapults.ML.Models;
using Catapults.ML.Scaling;
using Catapults.ML.Training;

namespace Catapults.ML.Tests.Scaling;

/// <summary>Edge cases of the scaling numerics, the sweep files' JSON settings and the cell runner.</summary>
public class ScalingEdgeCasesTests
{
    // All y equal: the fitted line goes through every point (slope 0, no residual), so R² is 1, not 0.
    [Test]
    public void AFitThroughPointsOfOneHeightExplainsThemAll()
    {
        var fit = LogLogFit.Fit(new[] { 1.0, 10, 100 }, new[] { 5.0, 5, 5 });
        Assert.That(fit.Slope, Is.EqualTo(0).Within(1e-12));
        Assert.That(fit.Intercept, Is.EqualTo(Math.Log10(5)).Within(1e-12));
        Assert.That(fit.RSquared, Is.EqualTo(1.0));
    }

    // A best cell whose neighbours' parabola has its vertex 0.625 levels away: the refined rate moves the whole 0.625
    // levels (the clamp is one level), 10^((k ± 0.625) s). log₁₀ losses 0, 0.1, 1 at levels 3, 4, 5 give curvature 0.8
    // and vertex offset 0.5 · (0 − 1) / 0.8 = −0.625; the mirror, 1, 0.1, 0, gives +0.625. Mutation testing (round 24B)
    // found that only the move down was tested.
    [TestCase(1.0, 10.0, -0.625)]
    [TestCase(10.0, 1.0, 0.625)]
    public void RefineBestFollowsTheVertexUpToOneLevelEitherWay(double lossBelow, double lossAbove, double offset)
    {
        const double s = 0.25;
        SweepCellResult Cell(int level, double loss) => new()
        {
            Cell = new SweepCell(0, 1.0, level, SweepCell.RateAtLevel(level, s)), Outcome = TrainingOutcome.BudgetReached, FinalTestLoss = loss,
        };
        var best = Cell(4, Math.Pow(10, 0.1));
        var column = new[] { Cell(3, lossBelow), best, Cell(5, lossAbove) };
        Assert.That(FeatureStrengthSweep.RefineBest(best, column, s), Is.EqualTo(Math.Pow(10, (4 + offset) * s)).Within(1e-12));
    }

    // A start at 10^297 may climb its 3 decades to exactly 10^300, the edge of the range, which is still inside it.
    // Found by mutation testing (round 24B): the upper bound's edge had no test, only a start beyond it.
    [Test]
    public void AScanReachingExactlyTenToThe300IsAllowed()
    {
        var options = new FeatureStrengthSweepOptions { Gammas = new[] { 1.0 }, StartingLearningRate = _ => 1e297 };
        Assert.That(LearningRateScan.RangeProblem(1, options), Is.Null);
        options.StartingLearningRate = _ => 1e298;
        Assert.That(LearningRateScan.RangeProblem(1, options), Does.Contain("10^301"));
    }

    [Test]
    public void OneSeedHasNoSpread()
    {
        Assert.That(new SeedGammaSummary(0, 1.0, new double?[] { 0.5, null }, null).SpreadDecades, Is.Null);
        Assert.That(new SeedGammaSummary(0, 1.0, new double?[] { 0.1, 10.0 }, 1.0).SpreadDecades, Is.EqualTo(2.0).Within(1e-12));
    }

    [Test]
    public void TheEdgeIsBracketedOnlyByADivergentRateAbove()
    {
        var unbracketed = new GammaScanSummary(0, 1.0, 0.5, 0.5, 0.1, 2.0, null, 5, null);
        Assert.That(unbracketed.StabilityEdgeBracketed, Is.False, "a stable rate at the top of the scan bounds nothing");
        Assert.That((unbracketed with { LowestDivergentAbove = 4.0 }).StabilityEdgeBracketed, Is.True);
    }

    [Test]
    public void SweepFilesRefuseARepeatedFieldAndAnEnumAsANumber()
    {
        const string cell = "{\"gammaIndex\":0,\"gamma\":1,\"level\":2,\"learningRate\":3}";
        Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<SweepCell>(
            "{\"gammaIndex\":0,\"gamma\":1,\"gamma\":2,\"level\":2,\"learningRate\":3}", SweepJson.Compact));
        Assert.That(JsonSerializer.Deserialize<SweepCell>(cell, SweepJson.Compact), Is.EqualTo(new SweepCell(0, 1, 2, 3)));
        Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<SweepCellResult>(
            $"{{\"cell\":{cell},\"outcome\":0}}", SweepJson.Compact));
        Assert.That(JsonSerializer.Deserialize<SweepCellResult>($"{{\"cell\":{cell},\"outcome\":\"BudgetReached\"}}", SweepJson.Compact)!.Outcome,
            Is.EqualTo(TrainingOutcome.BudgetReached));
    }

    private static FeatureStrengthCellSpec Tiny() => new()
    {
        Task = SyntheticTaskKind.Rank2, InputDimension = 4, Network = FeatureStrengthCellSpec.DefaultNetwork with { Width = 8 },
        Training = FeatureStrengthCellSpec.DefaultTraining with { MaxSteps = 25, BatchSize = 8 }, HeldOutCount = 20, EvaluateEvery = 10, Seed = 3, OnlineLossWindow = 0.1,
    };

    // 10 % of 25 steps is 2.5: the window rounds up to the last 3 batch losses.
    [Test]
    public void TheOnlineLossWindowRoundsUp()
    {
        var cell = new SweepCell(0, 1.0, -4, SweepCell.RateAtLevel(-4, 0.25));
        var result = FeatureStrengthCellRunner.Run(Tiny().At(cell.Gamma, cell.LearningRate), cell);
        Assert.That(result.BatchLosses, Has.Length.EqualTo(25));
        Assert.That(result.FinalOnlineLoss, Is.EqualTo(result.BatchLosses.Skip(22).Average()).Within(1e-12));
    }

    // One step at η = 10²⁰ leaves finite weights whose held-out loss overflows: the cell diverged at its final weights,
    // step 1, as a single run of it reports.
    [Test]
    public void AnEnsembleCellWhoseFinalHeldOutLossOverflowsDivergedAtItsLastStep()
    {
        var spec = Tiny().WithSteps(1);
        var cell = new SweepCell(0, 1.0, 80, 1e20);
        var result = FeatureStrengthCellRunner.RunEnsemble(new[] { (spec.At(cell.Gamma, cell.LearningRate), cell) })[0];
        Assert.That(result.Outcome, Is.EqualTo(TrainingOutcome.Diverged));
        Assert.That(result.DivergenceStep, Is.EqualTo(1));
        Assert.That(result.DivergenceReason, Does.Contain("not finite"));
        Assert.That(result.Inconsistency(), Is.Null);
    }
}
