using Catapults.ML.Models;
using Catapults.ML.Probes;
using Catapults.ML.Training;
using TorchSharp;
using static TorchSharp.torch;
using static Catapults.ML.Tests.Spectra.SpectraTestSupport;

namespace Catapults.ML.Tests.Probes;

/// <summary>The critical-rate probe against the closed form of a linear model, whose NTK does not move with the weights.</summary>
public class CriticalRateProbeTests
{
    private static double TopKernelEigenvalue(Tensor x)
    {
        using var scope = torch.NewDisposeScope();
        return EighDescending(LinearKernel(x)).Values[0];
    }

    [TestCase(true)]
    [TestCase(false)]
    public void EveryRecordIsTheProbeSetsSizeOverTheTopKernelEigenvalue(bool warmStart)
    {
        using var train = RandomRegression(30, 6, seed: 1);
        using var probeSet = RandomRegression(12, 6, seed: 2);
        double lambda = TopKernelEigenvalue(probeSet.Features);
        using var net = StandardLinear(6, seed: 3);
        using var probe = new CriticalRateProbe(probeSet.Features, new CriticalRateProbeOptions { Every = 2, WarmStart = warmStart });

        Trainer.Train(net, train, new TrainingOptions { LearningRate = 0.01, BatchSize = 10, MaxSteps = 5 }, new[] { probe });

        Assert.That(probe.Records.Select(r => r.Step), Is.EqualTo(new[] { 0, 2, 4, 5 }));
        foreach (var r in probe.Records)
        {
            Assert.That(r.Sharpness, Is.EqualTo(lambda).Within(1e-5 * lambda), $"step {r.Step}");
            Assert.That(r.Value, Is.EqualTo(12 / lambda).Within(1e-5 * 12 / lambda), $"step {r.Step}");
            Assert.That(r.BatchSize, Is.EqualTo(12));
            Assert.That(r.LearningRate, Is.EqualTo(0.01));
        }
        Assert.That(probe.RecordAt(4)!.Step, Is.EqualTo(4));
        Assert.That(probe.RecordAt(3), Is.Null);
        Assert.That(probe.ToDataFrame().Rows.Count, Is.EqualTo(4));
    }

    // Found by mutation testing (round 15C): with WarmStart off no solve keeps a vector, so a captured state carries none
    // (and a resumed run measures from the weights alone); with it on, the top eigenvector is kept.
    [TestCase(true, 1)]
    [TestCase(false, 0)]
    public void OnlyAWarmStartedProbeKeepsItsTopEigenvector(bool warmStart, int kept)
    {
        using var train = RandomRegression(30, 6, seed: 1);
        using var probeSet = RandomRegression(12, 6, seed: 2);
        using var net = StandardLinear(6, seed: 3);
        using var probe = new CriticalRateProbe(probeSet.Features, new CriticalRateProbeOptions { Every = 2, WarmStart = warmStart });
        Trainer.Train(net, train, new TrainingOptions { LearningRate = 0.01, BatchSize = 10, MaxSteps = 3 }, new[] { probe });
        using var state = probe.CaptureState();
        Assert.That(state.WarmStarts, Has.Count.EqualTo(kept));
    }

    [Test]
    public void ADivergingRunEndsAsDivergedWithOnlyFiniteRecords()
    {
        using var train = RandomRegression(30, 6, seed: 4);
        using var net = StandardLinear(6, seed: 5);
        double critical = 30 / TopKernelEigenvalue(train.Features);
        using var probe = new CriticalRateProbe(train.Features, new CriticalRateProbeOptions { Every = 1 });

        var result = Trainer.Train(net, train, new TrainingOptions { LearningRate = 50 * critical, MaxSteps = 200 }, new[] { probe });

        Assert.That(result.Outcome, Is.EqualTo(TrainingOutcome.Diverged));
        Assert.That(probe.Records, Is.Not.Empty);
        Assert.That(probe.Records.All(r => double.IsFinite(r.Value) && double.IsFinite(r.Sharpness)), Is.True);
        Assert.That(probe.Records.Max(r => r.Step), Is.LessThanOrEqualTo(result.Steps));
    }

    [Test]
    public void InputsThatAreNotABatchAreRejectedByName()
    {
        using var single = torch.ones(5);
        var ex = Assert.Throws<ArgumentException>(() => new CriticalRateProbe(single));
        Assert.That(ex!.ParamName, Is.EqualTo("inputs"));
        using var batch = torch.ones(3, 5);
        Assert.Throws<ArgumentException>(() => new CriticalRateProbe(batch, new CriticalRateProbeOptions { Every = 0 }));
    }
}
