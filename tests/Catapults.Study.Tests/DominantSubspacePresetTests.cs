using Catapults.ML.Models;
using Catapults.Study.DominantSubspace;

namespace Catapults.Study.Tests;

/// <summary>
/// The dominant-subspace presets hold the values their --help and documentation state: SettingOptionTests compares
/// each option against the preset itself, so a preset that drifted from its documented values passed every test.
/// Found by mutation testing (6 Dec 2026).
/// </summary>
public sealed class DominantSubspacePresetTests
{
    [Test]
    public void TheDefaultPresetHasTheDocumentedValues()
    {
        var s = new DominantSubspaceSettings();
        Assert.Multiple(() =>
        {
            Assert.That(s.Classes, Is.EqualTo(10), "--classes (default 10)");
            Assert.That(s.Samples, Is.EqualTo(1024), "--samples (default 1024)");
            Assert.That(s.InputDimension, Is.EqualTo(32), "--input-dimension (default 32)");
            Assert.That(s.Width, Is.EqualTo(64), "--width (default 64)");
            Assert.That(s.BatchSize, Is.EqualTo(32), "--batch-size (default 32)");
            Assert.That(s.WarmUpSteps, Is.EqualTo(200), "--warm-up-steps (default 200)");
            Assert.That(s.Steps, Is.EqualTo(200), "--steps (default 200)");
            Assert.That(s.RecordEvery, Is.EqualTo(10), "--record-every (default 10)");
            Assert.That(s.Seeds, Is.EqualTo(8), "--seeds (default 8)");
            Assert.That(s.SgdBatchSize, Is.EqualTo(32), "--sgd-warm-up-batch (default 32)");
            Assert.That(s.EdgeOfStabilityFactor, Is.EqualTo(1.9), "--eos-factor (default 1.9)");
            Assert.That(s.ClusterScale, Is.EqualTo(1.5), "--cluster-scale (default 1.5)");
            Assert.That(s.InputOffset, Is.EqualTo(0), "--input-offset (default 0)");
        });
    }

    [Test]
    public void TheEdgeOfStabilityPresetHasTheDocumentedValues()
    {
        var s = DominantSubspaceSettings.Eos;
        Assert.Multiple(() =>
        {
            Assert.That(s.EdgeOfStability, Is.True);
            Assert.That(s.BatchSize, Is.Null, "full-batch GD");
            Assert.That(s.Parameterization, Is.EqualTo(Parameterization.Standard));
            Assert.That(s.WarmUpSteps, Is.EqualTo(600), "--warm-up-steps (--eos 600)");
            Assert.That(s.Steps, Is.EqualTo(300), "--steps (--eos 300)");
            Assert.That(s.RecordEvery, Is.EqualTo(20), "--record-every (--eos 20)");
            Assert.That(s.ClusterScale, Is.EqualTo(0.5), "--cluster-scale (with --eos 0.5)");
            Assert.That(s.InputOffset, Is.EqualTo(1.9), "--input-offset (with --eos 1.9)");
            Assert.That(s.Seeds, Is.EqualTo(8), "--seeds (default 8)");
        });
    }

    [Test]
    public void TheQuickPresetsHaveTheDocumentedValues()
    {
        foreach (var (name, s) in new[] { ("--quick", DominantSubspaceSettings.Quick), ("--quick --eos", DominantSubspaceSettings.QuickEos) })
            Assert.Multiple(() =>
            {
                // "Small preset: 128 samples, width 32, 60 + 60 steps."
                Assert.That(s.Classes, Is.EqualTo(4), name + ": --classes (quick 4)");
                Assert.That(s.Samples, Is.EqualTo(128), name + ": --samples (quick 128)");
                Assert.That(s.InputDimension, Is.EqualTo(16), name + ": --input-dimension (quick 16)");
                Assert.That(s.Width, Is.EqualTo(32), name + ": --width (--quick 32)");
                Assert.That(s.WarmUpSteps, Is.EqualTo(60), name + ": --warm-up-steps (--quick 60)");
                Assert.That(s.Steps, Is.EqualTo(60), name + ": --steps (--quick 60)");
                Assert.That(s.RecordEvery, Is.EqualTo(5), name + ": --record-every (--quick 5)");
                Assert.That(s.Seeds, Is.EqualTo(1), name + ": --seeds (quick 1)");
                Assert.That(s.SgdBatchSize, Is.EqualTo(name == "--quick" ? 32 : 16), name + ": --sgd-warm-up-batch (default 32; --quick 16, with --eos)");
            });
        var eos = DominantSubspaceSettings.QuickEos;
        Assert.Multiple(() =>
        {
            Assert.That(DominantSubspaceSettings.Quick.BatchSize, Is.EqualTo(16), "--batch-size (quick 16)");
            Assert.That(eos.EdgeOfStability, Is.True);
            Assert.That(eos.BatchSize, Is.Null);
            Assert.That(eos.Parameterization, Is.EqualTo(Parameterization.Standard));
            Assert.That(eos.ClusterScale, Is.EqualTo(0.5));
            Assert.That(eos.InputOffset, Is.EqualTo(1.9));
        });
    }
}
