using Catapults.ML.Probes;
using Catapults.Pipelines.Trainers;

namespace Catapults.Pipelines.Tests.Trainers;

/// <summary>
/// The trainer options' own checks and snapshot: blank column names, a multiplier that is not finite and null
/// diagnostics or observers are refused by name, and the snapshot Fit keeps holds its own copy of every diagnostics
/// setting. Found by mutation testing (round 14B).
/// </summary>
public sealed class TorchNetworkTrainerOptionsTests
{
    private static string Refusal(TorchNetworkTrainerOptions options) => Assert.Throws<ArgumentException>(options.Validate)!.Message;

    [Test]
    public void BlankColumnNamesAreRefused()
    {
        Assert.That(Refusal(new TorchNetworkRegressionTrainer.Options { FeatureColumnName = " " }), Does.StartWith("FeatureColumnName must name a column."));
        Assert.That(Refusal(new TorchNetworkRegressionTrainer.Options { LabelColumnName = "\t" }), Does.StartWith("LabelColumnName must name a column."));
    }

    [TestCase(double.NaN)]
    [TestCase(double.PositiveInfinity)]
    [TestCase(double.NegativeInfinity)]
    public void AnOutputMultiplierThatIsNotFiniteIsRefused(double multiplier)
    {
        var options = new TorchNetworkRegressionTrainer.Options();
        options.Network = options.Network with { OutputMultiplier = multiplier };
        Assert.That(Refusal(options), Does.StartWith($"Network.OutputMultiplier must be finite and nonzero, got {multiplier}."));
    }

    [Test]
    public void NullDiagnosticsOrObserversAreRefusedByName()
    {
        Assert.That(Refusal(new TorchNetworkRegressionTrainer.Options { Diagnostics = null! }),
            Does.StartWith("Diagnostics must not be null (leave it at its default to keep diagnostics off)."));
        Assert.That(Refusal(new TorchNetworkRegressionTrainer.Options { Observers = null! }), Does.StartWith("Observers must not be null (use an empty list)."));
    }

    [Test]
    public void TheSnapshotKeepsItsOwnCopyOfEveryDiagnosticsSetting()
    {
        var options = new TorchNetworkRegressionTrainer.Options
        {
            Diagnostics = new TrainingDiagnosticsOptions
            {
                Enabled = true, Every = 3, TopEigenvalueCount = 2, ProbeSize = 5, CriticalRate = CriticalRateCadence.EveryStep, DetectCatapults = false,
            },
        };
        var snapshot = options.Snapshot();
        options.Diagnostics.Enabled = false;
        options.Diagnostics.Every = 10;
        options.Diagnostics.CriticalRate = CriticalRateCadence.Off;
        var d = snapshot.Diagnostics;
        Assert.That((d.Enabled, d.Every, d.TopEigenvalueCount, d.ProbeSize, d.CriticalRate, d.DetectCatapults),
            Is.EqualTo((true, 3, 2, 5, CriticalRateCadence.EveryStep, false)));
    }

    // The embedded Training record is checked with the other options when the trainer is built, not first by the
    // engine at Fit (mutant 20A-M23).
    [Test]
    public void AnInvalidTrainingRecordIsRefusedWithTheOptions()
    {
        var options = new TorchNetworkRegressionTrainer.Options();
        options.Training = options.Training with { LearningRate = -1 };
        Assert.That(Refusal(options), Does.StartWith("LearningRate must be finite and positive, got -1."));
    }

    // The diagnostics a trainer records are the engine's observer with two defaults of their own (every 10 steps, λ_max
    // alone); every other shared setting is the engine's default, declared there once, and reaches the observer as set.
    [Test]
    public void TheDiagnosticsDefaultsAreTheEnginesButForTheCadenceAndTheSpectrumsSize()
    {
        var face = new TrainingDiagnosticsOptions();
        var engine = new DiagnosticsOptions();
        Assert.That((face.ProbeSize, face.CriticalRate, face.DetectCatapults), Is.EqualTo((engine.ProbeSize, engine.CriticalRate, engine.DetectCatapults)));
        Assert.That((face.Every, face.TopEigenvalueCount, engine.Every, engine.EigenvalueCount), Is.EqualTo((10, 1, 1, 5)));
        var observer = new TrainingDiagnosticsOptions { Every = 3, TopEigenvalueCount = 2, ProbeSize = 17, CriticalRate = CriticalRateCadence.Off, DetectCatapults = false }
            .ToObserverOptions(seed: 9);
        Assert.That((observer.Every, observer.EigenvalueCount, observer.ProbeSize, observer.CriticalRate, observer.DetectCatapults, observer.ProbeSeed),
            Is.EqualTo((3, 2, 17, CriticalRateCadence.Off, false, 9L)));
    }
}
