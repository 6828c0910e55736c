using System.Diagnostics;
using System.Text.Json;
using Catapults.ML.Data;
using Catapults.ML.Models;
using Catapults.ML.Scaling;
using Catapults.ML.Training;
using Catapults.Study.FeatureStrength;

namespace Catapults.Study.Tests.FeatureStrength;

/// <summary>
/// The γ–η sweep with real training, each γ's scan run as the study runs it (<see cref="EnsembledRateScan"/>, its rates
/// trained as ensemble members): the edge of stability and the slopes.
/// </summary>
public class FeatureStrengthSweepTests
{
    // The slope test's budget: a 2-layer (L = 2) mean-field ReLU network of width 64 on the rank-2 task in d = 16,
    // online SGD with 32 fresh samples per step for 150 steps, held-out set of 500.
    private static FeatureStrengthCellSpec SmallSpec() => new()
    {
        Task = SyntheticTaskKind.Rank2, InputDimension = 16, Network = FeatureStrengthCellSpec.DefaultNetwork with { Width = 64 },
        Training = FeatureStrengthCellSpec.DefaultTraining with { MaxSteps = 150, BatchSize = 32 }, HeldOutCount = 500, EvaluateEvery = 50, Seed = 0,
    };

    private static Func<IReadOnlyList<(int Seed, SweepCell Cell)>, CancellationToken, IReadOnlyList<SweepCellResult>> Train(FeatureStrengthCellSpec spec) =>
        (cells, ct) => FeatureStrengthCellRunner.RunEnsemble(cells.Select(c => (spec.At(c.Cell.Gamma, c.Cell.LearningRate), c.Cell)).ToList(), ct);

    [Test]
    public void SweepRecordsTheEdgeOfStability()
    {
        var spec = SmallSpec().WithSteps(60);
        var options = new FeatureStrengthSweepOptions
        {
            Gammas = new[] { 0.1, 10.0 }, LevelSpacingDecades = 0.25, DecadesBelowFirstStable = 0.5,
            StartingLearningRate = g => spec.Scaling().LearningRate(1.0, g) * 100,
        };
        var result = EnsembledSweep.Run(options, Train(spec));
        foreach (var summary in result.Gammas)
        {
            var column = result.Cells.Where(c => c.Cell.GammaIndex == summary.GammaIndex).ToList();
            Assert.That(column[0].Diverged, Is.True, $"the scan starts above the edge at γ = {summary.Gamma}");
            Assert.That(summary.StabilityEdgeBracketed, Is.True);
            Assert.That(summary.HighestStableLearningRate, Is.LessThan(summary.LowestDivergentAbove!.Value));
            Assert.That(summary.BestLearningRate, Is.LessThanOrEqualTo(summary.HighestStableLearningRate!.Value * Math.Pow(10, 0.25) + 1e-9));
            foreach (var cell in column)
            {
                Assert.That(cell.Outcome, Is.EqualTo(cell.Diverged ? TrainingOutcome.Diverged : TrainingOutcome.BudgetReached));
                Assert.That(cell.DivergenceStep is not null, Is.EqualTo(cell.Diverged), cell.Cell.Id);
                Assert.That(cell.FinalTestLoss is double l && double.IsFinite(l), Is.EqualTo(!cell.Diverged), cell.Cell.Id);
            }
            // Everything above the lowest divergent rate over the stable region diverged too.
            Assert.That(column.Where(c => c.Cell.LearningRate >= summary.LowestDivergentAbove!.Value).All(c => c.Diverged), Is.True);
        }
    }

    [Test]
    public void SmallSweepRecoversTheOptimalRateSlopes()
    {
        // Grid: γ = 10^(−3, −2.5, …, −1) on the lazy side and 10^(1, 1.5, …, 3) on the rich side; rates on a lattice of
        // 0.25 decades, each scan from 10× the rule's rate down to one decade below its first stable rate (and on while
        // the lowest rate is still the best). About 80 cells of at most 150 steps.
        var spec = SmallSpec();
        var rule = spec.Scaling();
        Assert.That((rule.Depth, rule.WidthFactor), Is.EqualTo((2, 64.0)));
        var gammas = new[] { -3, -2.5, -2, -1.5, -1, 1, 1.5, 2, 2.5, 3 }.Select(e => Math.Pow(10, e)).ToArray();
        var options = new FeatureStrengthSweepOptions
        {
            Gammas = gammas, LevelSpacingDecades = 0.25, DecadesBelowFirstStable = 1.0,
            StartingLearningRate = g => rule.LearningRate(1.0, g) * 10,
        };
        var clock = Stopwatch.StartNew();
        var result = EnsembledSweep.Run(options, Train(spec));
        TestContext.Progress.WriteLine(
            $"slope sweep: {result.Cells.Count} cells in {clock.Elapsed.TotalSeconds:F1} s; lazy slope {result.LazySlope?.Slope:F3}, " +
            $"rich slope {result.RichSlope?.Slope:F3}; η* = {string.Join(", ", result.Gammas.Select(g => $"{g.Gamma:G3}:{g.BestLearningRate:G3}"))}");
        Assert.That(result.Gammas.All(g => g.StabilityEdgeBracketed), Is.True);
        Assert.That(result.LazySlope!.Points, Is.EqualTo(5));
        Assert.That(result.RichSlope!.Points, Is.EqualTo(5));
        Assert.That(result.LazySlope.Slope, Is.EqualTo(rule.LazySlope).Within(0.5), "η* ∝ γ² for γ ≪ 1");
        Assert.That(result.RichSlope.Slope, Is.EqualTo(rule.RichSlope).Within(0.5), "η* ∝ γ^(2/L) for γ ≫ 1");
    }
}
