using Catapults.ML.Probes;
using Catapults.Pipelines.Trainers;

namespace Catapults.Pipelines.Tests.Trainers;

// The engine observer's options that a trainer's diagnostics settings describe: every setting carried over, the probe
// set drawn with the seed given (the trainer's Seed, as TorchNetworkTrainerOptions.Seed documents), and invalid
// settings refused by name there too, as the method is public. Found by mutation testing (round 20A).
[TestFixture]
public sealed class TrainingDiagnosticsObserverOptionsTests
{
    // Mutant 20A-M16 drew every probe set with seed 0, whatever the trainer's seed.
    [Test]
    public void EverySettingIsCarriedOverAndTheProbeIsDrawnWithTheGivenSeed()
    {
        var settings = new TrainingDiagnosticsOptions
        {
            Enabled = true, Every = 3, TopEigenvalueCount = 2, ProbeSize = 5, CriticalRate = CriticalRateCadence.EveryStep, DetectCatapults = false,
        };
        var observer = settings.ToObserverOptions(seed: 42);
        Assert.That((observer.Every, observer.EigenvalueCount, observer.ProbeSize, observer.ProbeSeed, observer.CriticalRate, observer.DetectCatapults),
            Is.EqualTo((3, 2, 5, 42L, CriticalRateCadence.EveryStep, false)));
    }

    // Mutant 20A-M17 described an observer for a probe of no rows.
    [Test]
    public void InvalidSettingsAreRefusedByNameBeforeAnObserverIsDescribed()
    {
        var ex = Assert.Throws<ArgumentException>(() => new TrainingDiagnosticsOptions { ProbeSize = 0 }.ToObserverOptions(1));
        Assert.That(ex!.Message, Does.StartWith("Diagnostics.ProbeSize must be at least 1, got 0."));
    }

    // Every default is stated in the documentation: off, every 10 steps, λ_max alone (top-1), a probe of 256 rows, η_crit
    // at the records and catapults detected. Mutant 35A-M12 tracked the top two eigenvalues by default.
    [Test]
    public void TheDefaultsAreTheDocumentedOnes()
    {
        var d = new TrainingDiagnosticsOptions();
        Assert.That((d.Enabled, d.Every, d.TopEigenvalueCount, d.ProbeSize, d.CriticalRate, d.DetectCatapults),
            Is.EqualTo((false, 10, 1, 256, CriticalRateCadence.AtRecords, true)));
    }
}
