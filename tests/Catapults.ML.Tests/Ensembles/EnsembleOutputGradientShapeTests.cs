using Catapults.ML.Ensembles;
using Catapults.ML.Models;
using Catapults.ML.Training;
using TorchSharp;

namespace Catapults.ML.Tests.Ensembles;

/// <summary>
/// An output gradient of the outputs' rank but another size in any dimension is refused with the documented
/// ArgumentException naming the outputs' shape, not left to fail inside libtorch (or to broadcast), and nothing moves.
/// </summary>
public class EnsembleOutputGradientShapeTests
{
    [TestCase(new long[] { 3, 4, 1 })]
    [TestCase(new long[] { 3, 1, 2 })]
    [TestCase(new long[] { 1, 4, 2 })]
    public void AGradientOfTheRightRankButAnotherSizeIsRefused(long[] shape)
    {
        using var scope = torch.NewDisposeScope();
        var net = new NetworkDescription { Architecture = "fcn-2", Width = 12 };
        var training = new TrainingOptions { LearningRate = 0.1, BatchSize = 4, MaxSteps = 1 };
        var members = new[] { new EnsembleMember(net, training, 1), new EnsembleMember(net, training, 2), new EnsembleMember(net, training, 3) };
        using var ensemble = new FullyConnectedEnsemble(members, new long[] { 7 }, 2);
        var x = torch.randn(new long[] { 4, 7 }, generator: new torch.Generator(3));
        var pass = ensemble.ForwardForTraining(x);
        var before = ensemble.Parameters.Select(t => t.detach().clone()).ToArray();
        var g = torch.ones(shape);

        var ex = Assert.Throws<ArgumentException>(() => ensemble.Gradients(pass, g));
        Assert.That(ex!.Message, Does.Contain("[3, 4, 2]"));
        Assert.Throws<ArgumentException>(() => ensemble.SubtractGradients(pass, g));
        var after = ensemble.Parameters;
        for (int k = 0; k < after.Count; k++)
            Assert.That((after[k].detach() - before[k]).abs().max().item<float>(), Is.EqualTo(0f), $"parameter {k} must not move");
    }
}
