using Catapults.ML.Features;
using Catapults.ML.Probes;
using Catapults.ML.Spectra;

namespace Catapults.ML.Tests.Probes;

/// <summary>
/// Found by mutation testing (round 29A): each probe's stated defaults, and the checks of the options nested in a
/// probe's options. Every test set its own interval, so another default (a sharpness probe measuring every step, a
/// hundred times the cost) passed; a matrix power of 0 was accepted once its bound moved from ≤ 0 to &lt; 0; and a
/// missing or invalid nested option was refused by no test, so only a NullReferenceException deep in training would say so.
/// </summary>
[TestFixture]
public sealed class ProbeOptionsDefaultsTests
{
    [Test]
    public void EachProbesOptionsStateTheirDefaultInterval()
    {
        Assert.Multiple(() =>
        {
            Assert.That(new DiagnosticsOptions().Every, Is.EqualTo(1), "diagnostics: every step");
            Assert.That(new SharpnessProbeOptions().Every, Is.EqualTo(10));
            Assert.That(new SubspaceAlignmentProbeOptions().Every, Is.EqualTo(10));
            Assert.That(new CriticalRateProbeOptions().Every, Is.EqualTo(10));
            Assert.That(new HeldOutLossProbeOptions().Every, Is.EqualTo(10));
            Assert.That(new AgopAlignmentProbeOptions().Every, Is.EqualTo(100));
            Assert.That(new ProbeOptions[]
            {
                new DiagnosticsOptions(), new SharpnessProbeOptions(), new SubspaceAlignmentProbeOptions(), new CriticalRateProbeOptions(),
                new HeldOutLossProbeOptions(), new AgopAlignmentProbeOptions(),
            }.Select(o => o.RecordFinal), Is.All.True, "every probe measures the final weights by default");
        });
    }

    [Test]
    public void TheProbesOtherDefaultsAreTheDocumentedOnes()
    {
        var diagnostics = new DiagnosticsOptions();
        Assert.Multiple(() =>
        {
            Assert.That(diagnostics.EigenvalueCount, Is.EqualTo(5));
            Assert.That(diagnostics.ProbeSize, Is.EqualTo(256));
            Assert.That(diagnostics.ProbeSet, Is.Null);
            Assert.That(diagnostics.RecordFullLoss, Is.True);
            Assert.That(diagnostics.CriticalRate, Is.EqualTo(CriticalRateCadence.AtRecords));
            Assert.That(diagnostics.DetectCatapults, Is.True);
            Assert.That(new SubspaceAlignmentProbeOptions().Rank, Is.EqualTo(1));
            Assert.That(new SubspaceAlignmentProbeOptions().Lanczos.Tolerance, Is.EqualTo(1e-4));
            Assert.That(new SharpnessProbeOptions().Lanczos.Tolerance, Is.EqualTo(1e-4));
            Assert.That(new AgopAlignmentProbeOptions().MatrixPower, Is.EqualTo(1.0));
            Assert.That(new AgopAlignmentProbeOptions().MaxSamples, Is.Null);
            Assert.That(new CriticalRateProbeOptions().WarmStart, Is.True);
        });
    }

    [TestCase(0.0)]
    [TestCase(-1.0)]
    [TestCase(double.NaN)]
    [TestCase(double.PositiveInfinity)]
    public void AnAlignmentProbesMatrixPowerIsFiniteAndPositive(double power)
    {
        var ex = Assert.Throws<ArgumentException>(() => new AgopAlignmentProbeOptions { MatrixPower = power }.Validate());
        Assert.That(ex!.ParamName, Is.EqualTo("MatrixPower"));
        Assert.That(ex.Message, Does.StartWith("AgopAlignmentProbeOptions.MatrixPower must be finite and positive, got "));
    }

    [Test]
    public void TheDiagnosticsOptionsRefuseAMissingSolverOrRateOptionByName()
    {
        Assert.Multiple(() =>
        {
            var ex = Assert.Throws<ArgumentException>(() => new DiagnosticsOptions { Lanczos = null! }.Validate());
            Assert.That(ex!.ParamName, Is.EqualTo("Lanczos"));
            Assert.That(ex.Message, Does.StartWith("DiagnosticsOptions.Lanczos must not be null."));
            ex = Assert.Throws<ArgumentException>(() => new DiagnosticsOptions { CriticalRateOptions = null! }.Validate());
            Assert.That(ex!.ParamName, Is.EqualTo("CriticalRateOptions"));
            Assert.That(ex.Message, Does.StartWith("DiagnosticsOptions.CriticalRateOptions must not be null."));
        });
    }

    // An invalid solver inside the nested options is refused when the probe is made, not at its first measurement.
    [Test]
    public void InvalidNestedSolverOptionsAreRefusedWhenTheProbeIsMade()
    {
        static CriticalLearningRateOptions BadRate() => new() { Lanczos = new LanczosOptions { MaxRestarts = -1 } };
        Assert.Multiple(() =>
        {
            Assert.That(Assert.Throws<ArgumentException>(() => new DiagnosticsProbe(new DiagnosticsOptions { CriticalRateOptions = BadRate() }))!.ParamName,
                Is.EqualTo("MaxRestarts"));
            Assert.That(Assert.Throws<ArgumentException>(() => new DiagnosticsProbe(new DiagnosticsOptions { Lanczos = new LanczosOptions { MaxRestarts = -1 } }))!.ParamName,
                Is.EqualTo("MaxRestarts"));
            using var inputs = TorchSharp.torch.ones(3, 2);
            Assert.That(Assert.Throws<ArgumentException>(() => new CriticalRateProbe(inputs, new CriticalRateProbeOptions { CriticalRate = BadRate() }))!.ParamName,
                Is.EqualTo("MaxRestarts"));
            var ex = Assert.Throws<ArgumentException>(() => new CriticalRateProbe(inputs, new CriticalRateProbeOptions { CriticalRate = null! }));
            Assert.That(ex!.ParamName, Is.EqualTo("CriticalRate"));
            Assert.That(ex.Message, Does.StartWith("CriticalRateProbeOptions.CriticalRate must not be null."));
            Assert.That(Assert.Throws<ArgumentException>(() => new SharpnessProbe(new SharpnessProbeOptions { Hessian = new HessianOptions { ChunkSize = 0 } }))!.ParamName,
                Is.EqualTo("ChunkSize"));
            Assert.That(Assert.Throws<ArgumentNullException>(() => new SharpnessProbe(new SharpnessProbeOptions { Hessian = null! }))!.ParamName,
                Is.EqualTo("Hessian"));
            Assert.That(Assert.Throws<ArgumentException>(() => new SubspaceAlignmentProbe(new SubspaceAlignmentProbeOptions { Lanczos = new LanczosOptions { MaxRestarts = -1 } }))!.ParamName,
                Is.EqualTo("MaxRestarts"));
        });
    }
}
