using Catapults.ML.Ensembles;
using Catapults.ML.Models;
using Catapults.ML.Tests.Support;
using Catapults.ML.Training;
using TorchSharp;

namespace Catapults.ML.Tests.Ensembles;

/// <summary>
/// Members that all share one output multiplier m ≠ 1 compute m·f, as their single networks do: the multiplier may be
/// skipped only when it is exactly 1, not whenever the members agree on it (also after the others have left).
/// </summary>
public class EnsembleSharedOutputMultiplierTests
{
    private static readonly long[] Shape = { 5 };

    [Test]
    public void MembersSharingAMultiplierOtherThanOneComputeTheirSingleNetworks()
    {
        using var scope = torch.NewDisposeScope();
        var net = new NetworkDescription { Architecture = "fcn-2", Width = 10, OutputMultiplier = 3.0 };
        var training = new TrainingOptions { LearningRate = 0.1, BatchSize = 4, MaxSteps = 1 };
        var members = new[] { new EnsembleMember(net, training, 1), new EnsembleMember(net, training, 2) };
        using var ensemble = new FullyConnectedEnsemble(members, Shape, 2);
        var x = torch.randn(new long[] { 4, 5 }, generator: new torch.Generator(7));

        var output = ensemble.Forward(x).detach();
        var trainingOutput = ensemble.ForwardForTraining(x).Output;
        for (int i = 0; i < members.Length; i++)
        {
            using var single = members[i].BuildSingle(Shape, 2);
            using var noGrad = torch.no_grad();
            var expected = single.forward(x);
            TensorAssert.AllClose(output[i], expected, 1e-5, 1e-6, $"member {i}: Forward");
            TensorAssert.AllClose(trainingOutput[i], expected, 1e-5, 1e-6, $"member {i}: ForwardForTraining");
        }
    }

    [Test]
    public void TheMemberLeftWithAMultiplierOtherThanOneKeepsIt()
    {
        using var scope = torch.NewDisposeScope();
        var net = new NetworkDescription { Architecture = "fcn-2", Width = 10 };
        var training = new TrainingOptions { LearningRate = 0.1, BatchSize = 4, MaxSteps = 1 };
        var members = new[] { new EnsembleMember(net, training, 1), new EnsembleMember(net with { OutputMultiplier = 0.5 }, training, 2) };
        using var ensemble = new FullyConnectedEnsemble(members, Shape, 1);
        ensemble.Keep(new[] { 1 });
        var x = torch.randn(new long[] { 4, 5 }, generator: new torch.Generator(8));

        using var single = members[1].BuildSingle(Shape, 1);
        using var noGrad = torch.no_grad();
        TensorAssert.AllClose(ensemble.Forward(x)[0], single.forward(x), 1e-5, 1e-6, "member 1 alone");
    }
}
