using System.Diagnostics;
using System.Text.Json;
using Catapults.ML.Data;
using Catapults.ML.Models;
using Catapults.ML.Scaling;
using Catapults.ML.Tests.Support;
using Catapults.ML.Training;

namespace Catapults.ML.Tests.Scaling;

/// <summary>The γ–η sweep with real training: divergence, slopes, leaks and child processes.</summary>
public class FeatureStrengthSweepTests
{
    // The slope test's budget: a 2-layer (L = 2) mean-field ReLU network of width 64 on the rank-2 task in d = 16,
    // online SGD with 32 fresh samples per step for 150 steps, held-out set of 500.
    private static FeatureStrengthCellSpec SmallSpec() => new()
    {
        Task = SyntheticTaskKind.Rank2, InputDimension = 16, HiddenWidths = new[] { 64 }, Activation = ActivationKind.Relu,
        Steps = 150, BatchSize = 32, HeldOutCount = 500, EvaluateEvery = 50, Seed = 0,
    };

    [Test]
    public void CellRunnerReportsDivergenceAndStableRunsCorrectly()
    {
        var spec = SmallSpec();
        var high = new SweepCell(0, 1.0, 16, SweepCell.RateAtLevel(16, 0.25));
        var diverged = FeatureStrengthCellRunner.Run(spec.At(high.Gamma, high.LearningRate), high);
        Assert.That(diverged.Outcome, Is.EqualTo(TrainingOutcome.Diverged), "η = 10⁴ at γ = 1 diverges");
        Assert.That(diverged.Diverged, Is.True);
        Assert.That(diverged.DivergenceStep, Is.Not.Null.And.LessThan(spec.Steps));
        Assert.That(diverged.DivergenceReason, Does.Contain("loss"));
        Assert.That((diverged.FinalOnlineLoss, diverged.FinalTestLoss, diverged.SelectionLoss), Is.EqualTo(((double?)null, (double?)null, (double?)null)));
        Assert.That(diverged.BatchLosses, Has.Length.EqualTo(diverged.DivergenceStep));
        Assert.That(diverged.BatchLosses.All(double.IsFinite), Is.True, "losses before divergence are finite");

        var low = new SweepCell(0, 1.0, 4, SweepCell.RateAtLevel(4, 0.25));
        var stable = FeatureStrengthCellRunner.Run(spec.At(low.Gamma, low.LearningRate), low);
        Assert.That(stable.Outcome, Is.EqualTo(TrainingOutcome.BudgetReached), "η = 10 at γ = 1 is stable");
        Assert.That(stable.Steps, Is.EqualTo(spec.Steps));
        Assert.That(stable.BatchLosses, Has.Length.EqualTo(spec.Steps));
        Assert.That(stable.TestLossSteps, Is.EqualTo(new[] { 0, 50, 100, 150 }));
        Assert.That(stable.FinalTestLoss, Is.EqualTo(stable.TestLosses[^1]));
        Assert.That(stable.FinalTestLoss, Is.LessThan(stable.TestLosses[0]), "the held-out loss falls");
        Assert.That(stable.FinalOnlineLoss, Is.EqualTo(stable.BatchLosses.Skip(135).Average()).Within(1e-12), "mean of the last 10 %");

        Assert.Throws<ArgumentException>(() => FeatureStrengthCellRunner.Run(spec.At(1.0, 3.0), low), "spec and cell must agree");
    }

    [Test]
    public async Task SweepRecordsTheEdgeOfStability()
    {
        var spec = SmallSpec();
        spec.Steps = 60;
        var options = new FeatureStrengthSweepOptions
        {
            Gammas = new[] { 0.1, 10.0 }, LevelSpacingDecades = 0.25, DecadesBelowFirstStable = 0.5,
            StartingLearningRate = g => spec.Scaling().LearningRate(1.0, g) * 100, Parallelism = 2,
        };
        var result = await FeatureStrengthSweep.RunAsync(options, InProcessCellExecutor.ForSpec(spec));
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
    public async Task SmallSweepRecoversTheOptimalRateSlopes()
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
            StartingLearningRate = g => rule.LearningRate(1.0, g) * 10, Parallelism = 2,
        };
        var clock = Stopwatch.StartNew();
        var result = await FeatureStrengthSweep.RunAsync(options, InProcessCellExecutor.ForSpec(spec));
        TestContext.Progress.WriteLine(
            $"slope sweep: {result.Cells.Count} cells in {clock.Elapsed.TotalSeconds:F1} s; lazy slope {result.LazySlope?.Slope:F3}, " +
            $"rich slope {result.RichSlope?.Slope:F3}; η* = {string.Join(", ", result.Gammas.Select(g => $"{g.Gamma:G3}:{g.BestLearningRate:G3}"))}");
        Assert.That(result.Gammas.All(g => g.StabilityEdgeBracketed), Is.True);
        Assert.That(result.LazySlope!.Points, Is.EqualTo(5));
        Assert.That(result.RichSlope!.Points, Is.EqualTo(5));
        Assert.That(result.LazySlope.Slope, Is.EqualTo(rule.LazySlope).Within(0.5), "η* ∝ γ² for γ ≪ 1");
        Assert.That(result.RichSlope.Slope, Is.EqualTo(rule.RichSlope).Within(0.5), "η* ∝ γ^(2/L) for γ ≫ 1");
    }

    [Test]
    public void CellRunsLeakNoTensors()
    {
        var spec = SmallSpec();
        spec.Steps = 40;
        var cell = new SweepCell(0, 0.1, -4, SweepCell.RateAtLevel(-4, 0.25));
        var big = new SweepCell(0, 0.1, 20, SweepCell.RateAtLevel(20, 0.25));
        TensorAssert.NoLeak(
            () => FeatureStrengthCellRunner.Run(spec.At(cell.Gamma, cell.LearningRate), cell),
            () =>
            {
                for (int i = 0; i < 3; i++) FeatureStrengthCellRunner.Run(spec.At(cell.Gamma, cell.LearningRate), cell);
                FeatureStrengthCellRunner.Run(spec.At(big.Gamma, big.LearningRate), big);
            },
            "sweep cells (stable and diverging)");
    }

    [Test]
    public async Task ChildProcessExecutorReadsAtomicResultsAndReportsFailures()
    {
        if (!File.Exists("/bin/sh")) Assert.Ignore("needs /bin/sh");
        string dir = Path.Combine(Path.GetTempPath(), "catapults-child-" + Guid.NewGuid().ToString("N"));
        try
        {
            var store = SweepStore.Open(dir, "child");
            var good = new SweepCell(0, 2.0, 3, SweepCell.RateAtLevel(3, 0.25));
            var bad = new SweepCell(1, 4.0, 3, SweepCell.RateAtLevel(3, 0.25));
            var silent = new SweepCell(2, 8.0, 3, SweepCell.RateAtLevel(3, 0.25));
            string Json(SweepCell c) => JsonSerializer.Serialize(new SweepCellResult
            {
                Cell = c, Outcome = TrainingOutcome.BudgetReached, Steps = 5, FinalTestLoss = 0.5, BatchLosses = new[] { 1.0, 0.5 },
            }, SweepJson.Compact);
            // The child writes the result to a temporary file and renames it, as the study's cell command does.
            var executor = new ChildProcessCellExecutor("/bin/sh", c => c == bad
                ? new[] { "-c", "echo 'boom: no such data' >&2; exit 3" }
                : c == silent ? new[] { "-c", "exit 0" }
                : new[] { "-c", "printf '%s' \"$0\" > \"$1.tmp\" && mv \"$1.tmp\" \"$1\"", Json(c), store.ResultPath(c) }, store);
            var result = await executor.RunAsync(good, CancellationToken.None);
            Assert.That(result.Cell, Is.EqualTo(good));
            Assert.That(result.FinalTestLoss, Is.EqualTo(0.5));
            var ex = Assert.ThrowsAsync<SweepCellFailedException>(() => executor.RunAsync(bad, CancellationToken.None));
            Assert.That(ex!.Message, Does.Contain("code 3").And.Contain("boom: no such data").And.Contain(bad.Id));
            ex = Assert.ThrowsAsync<SweepCellFailedException>(() => executor.RunAsync(silent, CancellationToken.None));
            Assert.That(ex!.Message, Does.Contain("without writing"));
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        }
    }
}
