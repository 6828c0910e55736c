using Catapults.ML.Ensembles;
using Catapults.ML.Models;
using Catapults.ML.Tests.Support;
using Catapults.ML.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Catapults.ML.Tests.Ensembles;

/// <summary>
/// The ensemble's closed-form backward against libtorch's autograd through <see cref="FullyConnectedEnsemble.Forward"/>:
/// the gradient of Σ_m ⟨G_m, f_m⟩ for a random G, per layer, for every activation and parameterisation, with biases,
/// output multipliers and γ.
/// </summary>
public class EnsembleGradientTests
{
    private static readonly long[] Shape = { 7 };

    public static IEnumerable<TestCaseData> Cases()
    {
        yield return new TestCaseData("fcn-2", Parameterization.Ntk, ActivationKind.Relu, true, false, 12).SetName("Fcn2NtkReluBiases");
        // 2400 × 7 first-layer weights per member: above SubtractGradients' threshold, so that layer is updated member by
        // member in place while the readout goes through the batched product.
        yield return new TestCaseData("fcn-2", Parameterization.Ntk, ActivationKind.Relu, true, false, 2400).SetName("Fcn2NtkReluWideFirstLayer");
        yield return new TestCaseData("fcn-3", Parameterization.Standard, ActivationKind.Tanh, true, false, 12).SetName("Fcn3StandardTanhBiases");
        yield return new TestCaseData("fcn-3", Parameterization.MeanField, ActivationKind.Gelu, false, true, 12).SetName("Fcn3MeanFieldGeluCentred");
        yield return new TestCaseData("fcn-2", Parameterization.Ntk, ActivationKind.Identity, false, false, 12).SetName("Fcn2NtkIdentity");
    }

    private static EnsembleMember[] Members(string arch, Parameterization p, ActivationKind act, bool bias, bool centred, int width = 12)
    {
        var net = new NetworkDescription { Architecture = arch, Width = width, UseBias = bias, Parameterization = p, Activation = act };
        var training = new TrainingOptions { LearningRate = 0.1, BatchSize = 4, MaxSteps = 1 };
        return new[]
        {
            new EnsembleMember(net, training, Seed: 1, centred ? 0.5 : null),
            new EnsembleMember(net with { OutputMultiplier = 3.0 }, training, Seed: 2, centred ? 4.0 : null),
            new EnsembleMember(net with { OutputMultiplier = 0.25 }, training, Seed: 3, centred ? 1.0 : null),
        };
    }

    [TestCaseSource(nameof(Cases))]
    public void ClosedFormGradientsMatchAutograd(string arch, Parameterization p, ActivationKind act, bool bias, bool centred, int width)
    {
        using var scope = torch.NewDisposeScope();
        using var ensemble = new FullyConnectedEnsemble(Members(arch, p, act, bias, centred, width), Shape, 2);
        var generator = new torch.Generator(11);
        var x = torch.randn(new long[] { 3, 4, 7 }, generator: generator);
        var g = torch.randn(new long[] { 3, 4, 2 }, generator: generator);

        var output = ensemble.Forward(x);
        var expected = torch.autograd.grad(new[] { (output * g).sum() }, ensemble.Parameters.ToList());
        var pass = ensemble.ForwardForTraining(x);
        TensorAssert.AllClose(pass.Output, output.detach(), 0, 0, "the training pass's outputs are Forward's");
        var actual = ensemble.Gradients(pass, g);

        Assert.That(actual, Has.Length.EqualTo(expected.Count));
        for (int k = 0; k < actual.Length; k++)
        {
            Assert.That(actual[k].shape, Is.EqualTo(expected[k].shape), $"parameter {k} shape");
            Assert.That(expected[k].abs().max().item<float>(), Is.GreaterThan(1e-6f), $"parameter {k}: autograd's gradient must not vanish, or the comparison proves nothing");
            TensorAssert.AllClose(actual[k], expected[k], 1e-4, 1e-6, $"parameter {k}");
        }
    }

    [TestCaseSource(nameof(Cases))]
    public void SubtractGradientsStepsEachMemberByItsOwnGradient(string arch, Parameterization p, ActivationKind act, bool bias, bool centred, int width)
    {
        using var scope = torch.NewDisposeScope();
        using var ensemble = new FullyConnectedEnsemble(Members(arch, p, act, bias, centred, width), Shape, 2);
        var generator = new torch.Generator(5);
        // A batch shared by the members (the expanded input) as the trainer passes it for one batch source.
        var x = torch.randn(new long[] { 4, 7 }, generator: generator);
        var g = torch.randn(new long[] { 3, 4, 2 }, generator: generator);
        var before = ensemble.Parameters.Select(t => t.detach().clone()).ToArray();
        var expected = torch.autograd.grad(new[] { (ensemble.Forward(x) * g).sum() }, ensemble.Parameters.ToList());

        ensemble.SubtractGradients(ensemble.ForwardForTraining(x), g);

        var after = ensemble.Parameters;
        for (int k = 0; k < after.Count; k++)
        {
            using var change = before[k] - after[k].detach();
            TensorAssert.AllClose(change, expected[k], 1e-3, 1e-5, $"parameter {k}: w_before − w_after = ∇");
        }
    }

    [Test]
    public void APassFromBeforeAMemberLeftIsRejected()
    {
        using var scope = torch.NewDisposeScope();
        using var ensemble = new FullyConnectedEnsemble(Members("fcn-2", Parameterization.Ntk, ActivationKind.Relu, true, false), Shape, 2);
        var x = torch.randn(4, 7);
        var pass = ensemble.ForwardForTraining(x);
        ensemble.Keep(new[] { 0, 2 });
        var g = torch.ones(2, 4, 2);
        var ex = Assert.Throws<ArgumentException>(() => ensemble.SubtractGradients(pass, g));
        Assert.That(ex!.Message, Does.Contain("3 members").And.Contain("2 active"));
        Assert.DoesNotThrow(() => ensemble.SubtractGradients(pass.Keep(new[] { 0, 2 }), g));
    }

    // Found by mutation testing (round 28A): a pass of another depth with as many members is refused, not read layer by
    // layer against the wrong weights (a deeper pass's hidden layers have the shapes the shallower ensemble expects).
    [Test]
    public void APassOfAnotherDepthIsRejected()
    {
        using var scope = torch.NewDisposeScope();
        using var shallow = new FullyConnectedEnsemble(Members("fcn-2", Parameterization.Ntk, ActivationKind.Relu, true, false), Shape, 2);
        using var deep = new FullyConnectedEnsemble(Members("fcn-3", Parameterization.Ntk, ActivationKind.Relu, true, false), Shape, 2);
        var pass = deep.ForwardForTraining(torch.randn(4, 7));
        var g = torch.ones(3, 4, 2);
        var before = shallow.Parameters.Select(p => p.detach().clone()).ToArray();
        var ex = Assert.Throws<ArgumentException>(() => shallow.SubtractGradients(pass, g));
        Assert.That(ex!.ParamName, Is.EqualTo("pass"));
        Assert.That(ex.Message, Does.StartWith("The pass went through 3 layers but the ensemble has 2; it came from another ensemble."));
        Assert.Throws<ArgumentException>(() => shallow.Gradients(pass, g));
        var after = shallow.Parameters;
        for (int i = 0; i < before.Length; i++) TensorAssert.AllClose(after[i], before[i], 0, 0, $"parameter {i} unchanged");
    }

    // Out of range, repeated (two copies of one member, the other's weights lost) or out of order: refused before
    // anything changes, so the ensemble is still whole afterwards.
    [TestCase(new[] { -1 })]
    [TestCase(new[] { 0, 3 })]
    [TestCase(new[] { 0, 0 })]
    [TestCase(new[] { 2, 1 })]
    public void PositionsThatAreNotIncreasingActiveIndicesAreRefused(int[] positions)
    {
        using var scope = torch.NewDisposeScope();
        using var ensemble = new FullyConnectedEnsemble(Members("fcn-2", Parameterization.Ntk, ActivationKind.Relu, true, false), Shape, 2);
        var ex = Assert.Throws<ArgumentException>(() => ensemble.Keep(positions));
        Assert.That(ex!.ParamName, Is.EqualTo("positions"));
        Assert.That(ensemble.ActiveMembers, Is.EqualTo(new[] { 0, 1, 2 }));
        Assert.DoesNotThrow(() => ensemble.Forward(torch.randn(4, 7)));
    }
}
