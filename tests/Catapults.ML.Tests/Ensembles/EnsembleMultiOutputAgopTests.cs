using Catapults.ML.Ensembles;
using Catapults.ML.Models;
using Catapults.ML.Tests.Support;
using Catapults.ML.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Catapults.ML.Tests.Ensembles;

/// <summary>
/// A member's AGOP sums the outer products of every output's input gradient and averages over the samples only:
/// G = 1/n Σᵢ Σ_c ∇ₓf_c ∇ₓf_cᵀ. For a linear member f(x) = s·W x this is s²·WᵀW for any inputs. The other ensemble
/// tests have one output, where dividing by n·O instead of n goes unseen. Found by mutation testing (round 9B).
/// </summary>
public sealed class EnsembleMultiOutputAgopTests
{
    [Test]
    public void EachMembersAgopIsTheSumOverItsOutputsOfTheLinearMapsGram()
    {
        using var scope = torch.NewDisposeScope();
        const int d = 5, outputs = 3;
        var net = new NetworkDescription { Architecture = "fcn-1" };
        var training = new TrainingOptions { LearningRate = 0.1, BatchSize = 4, MaxSteps = 1 };
        var members = new[] { new EnsembleMember(net, training, 1), new EnsembleMember(net, training, 2) };
        using var ensemble = new FullyConnectedEnsemble(members, new long[] { d }, outputs);
        var x = torch.randn(new long[] { 7, d }, generator: new torch.Generator(8));

        var agops = EnsembleMeasurements.Agops(ensemble, x);

        Assert.That(agops.shape, Is.EqualTo(new long[] { 2, d, d }));
        for (int m = 0; m < members.Length; m++)
        {
            using var single = (FullyConnectedNetwork)ensemble.ExtractMember(m);
            var layer = single.Layers.Single();
            var w = layer.Weight.detach().to_type(ScalarType.Float64) * layer.WeightScale;
            TensorAssert.AllClose(agops[m], w.t().matmul(w), 1e-5, 1e-9, $"member {m}: s²·WᵀW over {outputs} outputs");
        }
    }
}
