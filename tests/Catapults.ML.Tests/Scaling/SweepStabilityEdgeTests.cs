using Catapults.ML.Scaling;
using Catapults.ML.Training;

namespace Catapults.ML.Tests.Scaling;

/// <summary>
/// The stability edge of a γ's scan: a run that froze (a dead network, its held-out loss equal to the bit at the end)
/// neither diverged nor trains, so the largest stable rate lies below it. Found by a review of 5 Dec 2026, which replayed
/// six dead cells of the quick feature-strength sweep reported as their γ's largest stable η.
/// </summary>
public sealed class SweepStabilityEdgeTests
{
    private const double Spacing = 0.25;

    private static SweepCellResult Cell(int level, double[] heldOut, bool diverged = false) => new()
    {
        Cell = new SweepCell(0, 1.0, level, SweepCell.RateAtLevel(level, Spacing)),
        Outcome = diverged ? TrainingOutcome.Diverged : TrainingOutcome.BudgetReached,
        FinalTestLoss = diverged ? null : heldOut[^1],
        TestLossSteps = heldOut.Select((_, i) => 10 * i).ToArray(),
        TestLosses = heldOut,
        Steps = 10 * heldOut.Length,
        BatchLosses = Enumerable.Repeat(1.0, 10 * heldOut.Length).ToArray(),
    };

    [Test]
    public void AFrozenRunIsNeitherStableNorBelowTheEdge()
    {
        double[] training = { 0.6, 0.4, 0.3, 0.25 }, frozen = { 0.6, 0.9, 0.7, 0.7, 0.7 }, stuckTwice = { 0.6, 0.5, 0.5 };
        var cells = new[] { Cell(3, new[] { 0.6 }, diverged: true), Cell(2, frozen), Cell(1, training), Cell(0, stuckTwice) };
        Assert.That(cells[1].Frozen, Is.True, "the last three held-out losses are equal to the bit");
        Assert.That(cells[0].Frozen || cells[2].Frozen || cells[3].Frozen, Is.False, "diverged, training, or equal only twice");

        var options = new FeatureStrengthSweepOptions { Gammas = new[] { 1.0 }, LevelSpacingDecades = Spacing, StartingLearningRate = _ => 1 };
        var summary = FeatureStrengthSweep.Summarise(options, cells).Gammas.Single();
        Assert.That(summary.HighestStableLearningRate, Is.EqualTo(SweepCell.RateAtLevel(1, Spacing)));
        Assert.That(summary.LowestDivergentAbove, Is.EqualTo(SweepCell.RateAtLevel(2, Spacing)), "the frozen rate bounds the edge from above");
        Assert.That(summary.BestLatticeLearningRate, Is.EqualTo(SweepCell.RateAtLevel(1, Spacing)), "η* is the lowest loss, as before");
    }
}
