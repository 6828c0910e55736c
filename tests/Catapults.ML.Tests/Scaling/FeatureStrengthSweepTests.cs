using System.Text.Json;
using Catapults.ML.Data;
using Catapults.ML.Models;
using Catapults.ML.Scaling;
using Catapults.ML.Tests.Support;
using Catapults.ML.Training;

namespace Catapults.ML.Tests.Scaling;

/// <summary>One γ–η cell with real training: divergence and leaks (the sweeps that run cells are the study's).</summary>
public class FeatureStrengthSweepTests
{
    // The slope test's budget: a 2-layer (L = 2) mean-field ReLU network of width 64 on the rank-2 task in d = 16,
    // online SGD with 32 fresh samples per step for 150 steps, held-out set of 500.
    private static FeatureStrengthCellSpec SmallSpec() => new()
    {
        Task = SyntheticTaskKind.Rank2, InputDimension = 16, Network = FeatureStrengthCellSpec.DefaultNetwork with { Width = 64 },
        Training = FeatureStrengthCellSpec.DefaultTraining with { MaxSteps = 150, BatchSize = 32 }, HeldOutCount = 500, EvaluateEvery = 50, Seed = 0,
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
    public void CellRunsLeakNoTensors()
    {
        var spec = SmallSpec().WithSteps(40);
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
}
