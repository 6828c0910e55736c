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
}
