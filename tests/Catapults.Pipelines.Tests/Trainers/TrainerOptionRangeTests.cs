using Catapults.Pipelines.Catalog;
using Catapults.Pipelines.Trainers;
using Microsoft.ML;

namespace Catapults.Pipelines.Tests.Trainers;

/// <summary>
/// The ranges the trainer options document: an output multiplier must be nonzero, diagnostics run every ≥ 1 steps on a
/// probe of ≥ 1 rows, and 0 top eigenvalues is allowed (no spectrum, so no sharpness for a catapult to lower).
/// Found by mutation testing (6 Dec 2026).
/// </summary>
public sealed class TrainerOptionRangeTests
{
    private readonly MLContext _ml = new(seed: 1);

    [Test]
    public void AZeroOutputMultiplierIsRefusedWhenTheTrainerIsBuilt()
    {
        var options = Tiny.Configure(new TorchNetworkRegressionTrainer.Options());
        options.Network = options.Network with { OutputMultiplier = 0 };
        var ex = Assert.Throws<ArgumentException>(() => _ml.Regression.Trainers.TorchNetwork(options));
        Assert.That(ex!.Message, Does.Contain("OutputMultiplier"));
    }

    [Test]
    public void DiagnosticsRangesAreAsDocumented()
    {
        Assert.Multiple(() =>
        {
            var ex = Assert.Throws<ArgumentException>(() => new TrainingDiagnosticsOptions { Every = 0 }.Validate());
            Assert.That(ex!.Message, Does.Contain("Every"));
            Assert.DoesNotThrow(() => new TrainingDiagnosticsOptions { Every = 1, TopEigenvalueCount = 0, ProbeSize = 1 }.Validate());
            var observer = new TrainingDiagnosticsOptions { TopEigenvalueCount = 0 }.ToObserverOptions(1);
            Assert.That(observer.Detector!.RequireSharpnessDecrease, Is.False, "no eigenvalues, no sharpness to require a decrease of");
            Assert.That(new TrainingDiagnosticsOptions { TopEigenvalueCount = 1 }.ToObserverOptions(1).Detector!.RequireSharpnessDecrease, Is.True);
        });
    }
}
