using Catapults.ML.Data;
using Catapults.ML.Probes;
using Catapults.ML.Runtime;
using Catapults.ML.Tests.Support;
using Catapults.ML.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Catapults.ML.Tests.Probes;

/// <summary>
/// Found by mutation testing (round 15C): the held-out loss is the training's loss. A probe that evaluated mean squared
/// error whatever the run trained on left the suite green, since every held-out test trained with MSE.
/// </summary>
public sealed class HeldOutLossProbeTests
{
    [Test]
    public void ACrossEntropyRunRecordsTheHeldOutCrossEntropy()
    {
        using var g = Seeding.TorchGenerator(1, Seeding.Stream.Data);
        using var x = torch.randn(new long[] { 60, 4 }, generator: g);
        using var labels = x[.., 0].gt(0).to_type(ScalarType.Int64) + x[.., 1].gt(0).to_type(ScalarType.Int64);
        using var train = new TensorDataset(x[..40].clone(), labels[..40].clone());
        using var heldOut = new TensorDataset(x[40..].clone(), labels[40..].clone());
        using var net = Nets.TwoLayer(4, 16, bias: true, outputs: 3, seed: 2);

        double expected;
        using (torch.no_grad())
        using (var logits = net.forward(heldOut.Features))
        using (var ce = torch.nn.functional.cross_entropy(logits, heldOut.Targets))
            expected = ce.ToDouble();

        using var probe = new HeldOutLossProbe(heldOut, every: 5);
        Trainer.Train(net, train, new TrainingOptions { Loss = LossKind.CrossEntropy, LearningRate = 0.05, BatchSize = 10, MaxSteps = 2 }, new[] { probe });
        Assert.That(probe.Records[0].Step, Is.EqualTo(0));
        Assert.That(probe.Records[0].Loss, Is.EqualTo(expected).Within(1e-5 * expected), "mean −log softmax of the held-out labels at w₀");
    }

    // Found by mutation testing (round 21A): a held-out loss that overflows at finite weights ends the run as diverged,
    // named by the probe. With the check of the weights inverted, the probe recorded nothing and the run went on as if
    // it had been measured: the training data here are tame, so only the probe can see the overflow.
    [Test]
    public void AHeldOutLossThatOverflowsAtFiniteWeightsEndsTheRunAsDiverged()
    {
        var (train, test) = SyntheticTask.Rank2(6).CreateSplits(40, 20, seed: 4);
        using (train)
        using (test)
        using (var scaled = test.Features * 1e25f)
        using (var huge = new TensorDataset(scaled, test.Targets, "huge"))
        using (var net = Nets.TwoLayer(6, 16, seed: 1))
        using (var probe = new HeldOutLossProbe(huge, every: 2))
        {
            var result = Trainer.Train(net, train, new TrainingOptions { LearningRate = 0.05, BatchSize = 8, MaxSteps = 4 }, new[] { probe });
            Assert.That(result.Outcome, Is.EqualTo(TrainingOutcome.Diverged));
            Assert.That(result.Divergence!.Step, Is.EqualTo(0));
            Assert.That(result.Divergence.Reason, Does.Contain("the loss on the held-out set huge").And.Contain("is not finite at step 0"));
            Assert.That(probe.Records, Is.Empty);
        }
    }

    // Found by mutation testing (round 21A): the frame's Loss column is each record's loss; filled with the steps, it
    // passed every test, which read the records rather than the frame.
    [Test]
    public void TheFramesColumnsAreTheRecordsStepsAndLosses()
    {
        var (train, test) = SyntheticTask.Rank2(6).CreateSplits(40, 20, seed: 4);
        using (train)
        using (test)
        using (var net = Nets.TwoLayer(6, 16, seed: 1))
        using (var probe = new HeldOutLossProbe(test, every: 2))
        {
            Trainer.Train(net, train, new TrainingOptions { LearningRate = 0.05, BatchSize = 8, MaxSteps = 3 }, new[] { probe });
            var frame = probe.ToDataFrame();
            Assert.That(frame.Columns.Select(c => c.Name), Is.EqualTo(new[] { "Step", "Loss" }));
            Assert.That(frame["Step"].Cast<int?>(), Is.EqualTo(new int?[] { 0, 2, 3 }));
            Assert.That(frame["Loss"].Cast<double?>(), Is.EqualTo(probe.Records.Select(r => (double?)r.Loss)));
        }
    }
}
