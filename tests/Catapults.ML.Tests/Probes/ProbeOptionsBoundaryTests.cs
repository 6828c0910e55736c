using Catapults.ML.Features;
using Catapults.ML.Probes;

namespace Catapults.ML.Tests.Probes;

/// <summary>
/// Each option's smallest legal value is accepted and the one below it refused, with a message that names the option
/// and its range. Found by mutation testing (round 12A, 6 Dec 2026): moving these bounds by one passed every test.
/// </summary>
[TestFixture]
public sealed class ProbeOptionsBoundaryTests
{
    private static void AssertRefused(Action validate, string paramName, params string[] phrases)
    {
        var ex = Assert.Throws<ArgumentException>(() => validate());
        Assert.That(ex!.ParamName, Is.EqualTo(paramName));
        foreach (var phrase in phrases) Assert.That(ex.Message, Does.Contain(phrase));
    }

    [Test]
    public void TheDiagnosticsProbeSetNeedsAtLeastOneSample()
    {
        Assert.DoesNotThrow(() => new DiagnosticsOptions { ProbeSize = 1 }.Validate());
        AssertRefused(() => new DiagnosticsOptions { ProbeSize = 0 }.Validate(), "ProbeSize", "DiagnosticsOptions.ProbeSize must be at least 1, got 0");
    }

    // Like every other probe's options, the diagnostics options name their class: the probe is often built deep inside
    // a trainer, where "ProbeSize" alone does not say whose.
    [Test]
    public void EveryDiagnosticsOptionIsNamedWithItsClass()
    {
        Assert.Multiple(() =>
        {
            AssertRefused(() => new DiagnosticsOptions { EigenvalueCount = -1 }.Validate(), "EigenvalueCount", "DiagnosticsOptions.EigenvalueCount must be ≥ 0, got -1");
            AssertRefused(() => new DiagnosticsOptions { Ntk = null! }.Validate(), "Ntk", "DiagnosticsOptions.Ntk must not be null");
            AssertRefused(() => new DiagnosticsOptions { Detector = null! }.Validate(), "Detector", "DiagnosticsOptions.Detector must not be null");
            var ex = Assert.Catch<ArgumentException>(() => new DiagnosticsOptions { CriticalRate = (CriticalRateCadence)99 }.Validate());
            Assert.That(ex!.Message, Does.StartWith("DiagnosticsOptions.CriticalRate must be one of"));
        });
    }

    [Test]
    public void AnAlignmentProbesSampleCapIsAtLeastOne()
    {
        Assert.DoesNotThrow(() => new AgopAlignmentProbeOptions { MaxSamples = 1 }.Validate());
        AssertRefused(() => new AgopAlignmentProbeOptions { MaxSamples = 0 }.Validate(), "MaxSamples",
            "AgopAlignmentProbeOptions.MaxSamples must be at least 1", "got 0");
    }

    // The probe raises both AGOPs by MatrixPower; a power inside the AGOP options too would raise G twice and G* once.
    [TestCase(2.0)]
    [TestCase(0.5)]
    public void AnAlignmentProbesAgopPowerMustBeOne(double power)
    {
        AssertRefused(() => new AgopAlignmentProbeOptions { Agop = new AgopOptions { Power = power } }.Validate(), "Agop",
            "AgopAlignmentProbeOptions.Agop.Power must be 1");
    }

    [Test]
    public void ASubspaceProbesRankIsAtLeastOne()
    {
        Assert.DoesNotThrow(() => new SubspaceAlignmentProbeOptions { Rank = 1 }.Validate());
        AssertRefused(() => new SubspaceAlignmentProbeOptions { Rank = 0 }.Validate(), "Rank",
            "SubspaceAlignmentProbeOptions.Rank must be at least 1, got 0");
    }

    [Test]
    public void AFeatureMapsRankAndBatchAreAtLeastOne()
    {
        Assert.DoesNotThrow(() => new AgopFeatureMapOptions { Rank = 1, BatchSize = 1 }.Validate());
        AssertRefused(() => new AgopFeatureMapOptions { Rank = 0 }.Validate(), "Rank", "AgopFeatureMapOptions.Rank must be at least 1, got 0");
        AssertRefused(() => new AgopFeatureMapOptions { BatchSize = 0 }.Validate(), "BatchSize",
            "AgopFeatureMapOptions.BatchSize must be at least 1, got 0");
    }

    [Test]
    public void AnAgopBatchIsAtLeastOneSample()
    {
        Assert.DoesNotThrow(() => new AgopOptions { BatchSize = 1 }.Validate());
        AssertRefused(() => new AgopOptions { BatchSize = 0 }.Validate(), "BatchSize", "AgopOptions.BatchSize must be at least 1, got 0");
    }

    [Test]
    public void EveryProbesIntervalIsAtLeastOneStepAndNamesItsOptionsType()
    {
        Assert.DoesNotThrow(() => new SharpnessProbeOptions { Every = 1 }.Validate());
        AssertRefused(() => new SharpnessProbeOptions { Every = 0 }.Validate(), "Every", "SharpnessProbeOptions.Every must be at least 1, got 0");
    }
}
