using Catapults.ML.Ensembles;
using Catapults.ML.Models;
using Catapults.ML.Training;

namespace Catapults.ML.Tests.Ensembles;

/// <summary>
/// The ensemble trains with plain SGD or momentum on the MSE loss and nothing else; a member asking for more is refused
/// when the trainer is built, by member and option, rather than trained as if the option were absent (the batched step
/// has no SAM ascent, no update transform, no target loss). Found by mutation testing (round 9B): no test reached these
/// checks, so dropping any of them went unnoticed.
/// </summary>
public sealed class EnsembleUnsupportedOptionsTests
{
    private static readonly TrainingOptions Plain = new() { LearningRate = 0.05, BatchSize = 4, MaxSteps = 3 };

    public static IEnumerable<TestCaseData> Unsupported()
    {
        yield return Case("Loss", Plain with { Loss = LossKind.CrossEntropy });
        yield return Case("Optimizer", Plain with { Optimizer = OptimizerKind.Adam });
        yield return Case("SharpnessAwareRadius", Plain with { OptimizerSettings = new OptimizerOptions { SharpnessAwareRadius = 0.05 } });
        yield return Case("TargetLoss", Plain with { TargetLoss = 1e-3 });
        yield return Case("FullLossEvery", Plain with { FullLossEvery = 2 });

        static TestCaseData Case(string option, TrainingOptions training) => new TestCaseData(option, training).SetArgDisplayNames(option);
    }

    [TestCaseSource(nameof(Unsupported))]
    public void AnUnsupportedOptionIsRefusedNamingTheMemberAndTheOption(string option, TrainingOptions training)
    {
        // Member 1 is the odd one out, so the message must name it rather than the first member.
        var net = new NetworkDescription { Architecture = "fcn-2", Width = 4 };
        var members = new[] { new EnsembleMember(net, Plain, 0), new EnsembleMember(net, training, 1) };
        using var ensemble = new FullyConnectedEnsemble(members, new long[] { 3 }, 1);

        var ex = Assert.Throws<ArgumentException>(() => new EnsembleTrainer(ensemble));

        Assert.That(ex!.Message, Does.StartWith("Member 1: ").And.Contain(option));
    }

    [Test]
    public void MomentumWithWeightDecayIsAccepted()
    {
        var net = new NetworkDescription { Architecture = "fcn-2", Width = 4 };
        var training = Plain with { Optimizer = OptimizerKind.Momentum, OptimizerSettings = new OptimizerOptions { WeightDecay = 1e-3 } };
        using var ensemble = new FullyConnectedEnsemble(new[] { new EnsembleMember(net, training, 0) }, new long[] { 3 }, 1);
        Assert.DoesNotThrow(() => new EnsembleTrainer(ensemble));
    }
}
