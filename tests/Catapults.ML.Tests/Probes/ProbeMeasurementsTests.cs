using Catapults.ML.Data;
using Catapults.ML.Models;
using Catapults.ML.Probes;
using Catapults.ML.Runtime;
using Catapults.ML.Spectra;
using Catapults.ML.Tests.Spectra;
using Catapults.ML.Tests.Support;
using Catapults.ML.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Catapults.ML.Tests.Probes;

/// <summary>The sharpness, subspace-alignment and AGOP probes against closed forms on linear least squares.</summary>
public class ProbeMeasurementsTests
{
    // The exact Hessian's eigenvalues, largest first.
    private static (FullyConnectedNetwork Net, TensorDataset Data, double[] Eigenvalues) Quadratic(int d, int n, long seed)
    {
        using var scope = torch.NewDisposeScope();
        var (net, data, hessian) = LeastSquares.Problem(d, n, seed);
        return (net, data, SpectraTestSupport.EighDescending(hessian).Values);
    }

    [Test]
    public void SharpnessRecordsCarryTheStabilityThresholdTwoOverTheRate()
    {
        var (net, data, values) = Quadratic(5, 30, 9);
        using (net)
        using (data)
        using (var probe = new SharpnessProbe(new SharpnessProbeOptions { Every = 2 }))
        {
            Trainer.Train(net, data, new TrainingOptions { LearningRate = 0.05, MaxSteps = 3 }, new[] { probe });
            Assert.That(probe.Records.Select(r => r.StabilityThreshold), Is.All.EqualTo(40.0).Within(1e-9), "2 / 0.05");
        }
    }

    // λ_max whatever end of the spectrum the given solver options ask for: the probe measures the sharpness.
    [Test]
    public void SharpnessIsTheLargestEigenvalueEvenWhenTheOptionsAskForTheSmallest()
    {
        var (net, data, values) = Quadratic(5, 30, 9);
        using (net)
        using (data)
        using (var probe = new SharpnessProbe(new SharpnessProbeOptions
               { Every = 2, Lanczos = new LanczosOptions { Tolerance = 1e-8, Which = SpectrumEnd.SmallestAlgebraic } }))
        {
            Trainer.Train(net, data, new TrainingOptions { LearningRate = 0.05, MaxSteps = 2 }, new[] { probe });
            foreach (var r in probe.Records)
                Assert.That(r.Sharpness, Is.EqualTo(values[0]).Within(1e-4 * values[0]), $"λ: {string.Join(", ", values)}");
        }
    }

    [Test]
    public void OnlyTheFinalSharpnessAndAlignmentRecordsAreFinal()
    {
        var (net, data, _) = Quadratic(5, 30, 9);
        using (net)
        using (data)
        using (var sharpness = new SharpnessProbe(new SharpnessProbeOptions { Every = 2 }))
        using (var alignment = new SubspaceAlignmentProbe(new SubspaceAlignmentProbeOptions { Every = 2, Rank = 2 }))
        {
            Trainer.Train(net, data, new TrainingOptions { LearningRate = 0.05, MaxSteps = 3 }, new IProbe[] { sharpness, alignment });
            Assert.That(sharpness.Records.Select(r => (r.Step, r.IsFinal)), Is.EqualTo(new[] { (0, false), (2, false), (3, true) }));
            Assert.That(alignment.Records.Select(r => (r.Step, r.IsFinal)), Is.EqualTo(new[] { (0, false), (2, false), (3, true) }));
        }
    }

    // The AGOP probe measures the first weights of every run, on its cadence or not.
    [Test]
    public void TheAgopProbeMeasuresTheFirstWeightsOfEachRun()
    {
        var (train, test) = SyntheticTask.Rank2(6).CreateSplits(40, 20, seed: 4);
        using (train)
        using (test)
        using (var net = Nets.TwoLayer(6, 16, seed: 1))
        using (var probe = new AgopAlignmentProbe(SyntheticTask.Rank2(6), new AgopAlignmentProbeOptions { Every = 5, RecordFinal = false }))
        using (var trainer = new Trainer(net, new TrainingOptions { LearningRate = 0.05, BatchSize = 8, MaxSteps = 3 }))
        {
            trainer.Run(train, new[] { probe });
            trainer.Options = trainer.Options with { MaxSteps = 7 };
            trainer.Run(train, new[] { probe });
            Assert.That(probe.Records.Select(r => r.Step), Is.EqualTo(new[] { 0, 3, 5 }), "step 3 starts the second run");
        }
    }
}
