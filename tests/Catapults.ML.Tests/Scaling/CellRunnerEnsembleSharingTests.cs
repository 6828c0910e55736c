using Catapults.ML.Data;
using Catapults.ML.Models;
using Catapults.ML.Scaling;

namespace Catapults.ML.Tests.Scaling;

/// <summary>
/// <see cref="FeatureStrengthCellRunner.RunEnsemble"/> runs together only cells whose specs differ in γ, η and seed: a
/// member with another step budget (or held-out set, window, …) would be trained under the first cell's settings and
/// recorded under its own. Found by mutation testing (round 15A): dropping the check passed every test.
/// </summary>
public sealed class CellRunnerEnsembleSharingTests
{
    private static FeatureStrengthCellSpec Tiny() => new()
    {
        Task = SyntheticTaskKind.Rank2, InputDimension = 4, Network = FeatureStrengthCellSpec.DefaultNetwork with { Width = 8 },
        Training = FeatureStrengthCellSpec.DefaultTraining with { MaxSteps = 25, BatchSize = 8 }, HeldOutCount = 20, EvaluateEvery = 10, Seed = 3, OnlineLossWindow = 0.1,
    };

    [Test]
    public void CellsWhoseSpecsDifferInMoreThanGammaRateAndSeedAreRefused()
    {
        var a = new SweepCell(0, 1.0, -4, SweepCell.RateAtLevel(-4, 0.25));
        var b = new SweepCell(1, 2.0, -3, SweepCell.RateAtLevel(-3, 0.25));
        var other = Tiny().At(b.Gamma, b.LearningRate).WithSteps(30);
        var ex = Assert.Throws<ArgumentException>(() => FeatureStrengthCellRunner.RunEnsemble(new[]
        {
            (Tiny().At(a.Gamma, a.LearningRate), a), (other, b),
        }));
        Assert.That(ex!.ParamName, Is.EqualTo("cells"));
        Assert.That(ex.Message, Does.StartWith($"Cell {b.Id}'s spec differs from cell {a.Id}'s in more than γ, η and seed, so they cannot share an ensemble."));
    }
}
