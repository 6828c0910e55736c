using Catapults.ML.Ensembles;
using Catapults.ML.Features;
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
    // Members of a small tanh network (nonlinear, so which samples a member sees shows in its AGOP), seeds 1, 2, ….
    private static FullyConnectedEnsemble TanhEnsemble(long[] inputShape, int outputs, int members = 2)
    {
        var net = new NetworkDescription { Architecture = "fcn-2", Width = 16, Activation = ActivationKind.Tanh };
        var training = new TrainingOptions { LearningRate = 0.1, BatchSize = 4, MaxSteps = 1 };
        return new FullyConnectedEnsemble(Enumerable.Range(1, members).Select(seed => new EnsembleMember(net, training, seed)).ToArray(), inputShape, outputs);
    }

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

    // Found by mutation testing (round 18A): inputs [A, n, d], a set per member, were read as shared samples and refused.
    // Each member's AGOP on its own set is the single network's on that set (a nonlinear member, so the set matters).
    [Test]
    public void EachMembersAgopIsTakenOnItsOwnInputs()
    {
        using var scope = torch.NewDisposeScope();
        const int d = 4;
        using var ensemble = TanhEnsemble(new long[] { d }, 2);
        var x = torch.randn(new long[] { 2, 6, d }, generator: new torch.Generator(9)) * torch.tensor(new float[] { 1, 3 }).reshape(2, 1, 1);

        var agops = EnsembleMeasurements.Agops(ensemble, x);

        Assert.That(agops.shape, Is.EqualTo(new long[] { 2, d, d }));
        for (int m = 0; m < ensemble.ActiveMembers.Count; m++)
        {
            using var single = ensemble.ExtractMember(m);
            TensorAssert.AllClose(agops[m], Agop.Compute(single, x[m]).to_type(ScalarType.Float64), 1e-5, 1e-9, $"member {m} on its own inputs");
        }
    }

    // Found by mutation testing (round 21C): samples of a declared shape [1, d] come as [n, 1, d], three dimensions
    // whose last is d; with n not the member count they are shared samples, and their AGOP is that of the same rows flat.
    [Test]
    public void SharedSamplesOfAShapeWithALeadingOneAreNotReadAsSetsPerMember()
    {
        using var scope = torch.NewDisposeScope();
        const int d = 4;
        using var ensemble = TanhEnsemble(new long[] { 1, d }, 1);
        var x = torch.randn(new long[] { 6, 1, d }, generator: new torch.Generator(10));

        var agops = EnsembleMeasurements.Agops(ensemble, x);

        TensorAssert.AllClose(agops, EnsembleMeasurements.Agops(ensemble, x.reshape(6, d)), 0, 0, "the same six samples");
    }

    // Found in mutation round 21C: with as many samples as members, [A, 1, d] fits both readings. Forward takes samples of
    // the declared shape [1, d] as shared (ee10918), and the AGOP of the same inputs was taken one sample per member.
    // Both now read the shape in one place (FullyConnectedEnsemble.MemberInputs).
    [Test]
    public void AsManySharedSamplesOfShapeOneByDAsMembersAreSharedAsInForward()
    {
        using var scope = torch.NewDisposeScope();
        const int d = 4;
        using var ensemble = TanhEnsemble(new long[] { 1, d }, 1);
        var x = torch.randn(new long[] { 2, 1, d }, generator: new torch.Generator(11));

        TensorAssert.AllClose(ensemble.Forward(x), ensemble.Forward(x.reshape(2, d)), 0, 0, "Forward shares them");
        TensorAssert.AllClose(EnsembleMeasurements.Agops(ensemble, x), EnsembleMeasurements.Agops(ensemble, x.reshape(2, d)), 1e-6, 1e-9, "the AGOP over the same two samples");
    }

    // A single shared sample of the declared shape [1, d] was expanded to [A, 1, d] and then read again by Forward as A
    // shared samples, so each member's input gradient summed every member's. Each member's AGOP is its own network's.
    [Test]
    public void OneSharedSampleOfShapeOneByDGivesEachMemberItsOwnAgop([Values(1, 2)] int dims)
    {
        using var scope = torch.NewDisposeScope();
        const int d = 4;
        using var ensemble = TanhEnsemble(new long[] { 1, d }, 2, members: 3);
        var sample = torch.randn(new long[] { 1, 1, d }, generator: new torch.Generator(12));
        var x = dims == 1 ? sample.reshape(1, d) : sample;

        var agops = EnsembleMeasurements.Agops(ensemble, x);

        Assert.That(agops.shape, Is.EqualTo(new long[] { 3, d, d }));
        for (int m = 0; m < ensemble.ActiveMembers.Count; m++)
        {
            using var single = ensemble.ExtractMember(m);
            TensorAssert.AllClose(agops[m], Agop.Compute(single, sample).to_type(ScalarType.Float64), 1e-5, 1e-9, $"member {m}");
        }
    }
}
