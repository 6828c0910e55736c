using Catapults.ML.Models;
using Catapults.ML.Spectra;
using Catapults.ML.Tests.Support;
using TorchSharp;
using static TorchSharp.torch;

namespace Catapults.ML.Tests.Spectra;

/// <summary>
/// Which parameter lists a dense chain's linearisation serves (its slots: each layer's weight and bias by position in
/// the list, or none, and then the Jacobian products go through autograd). Found by mutation testing (round 37A): the
/// products of a chain without biases, or of a list in another order, came out right either way, so nothing said
/// whether the chain's own path served them.
/// </summary>
public sealed class DenseChainLinearisationTests
{
    private static List<Tensor> InLayerOrder(FullyConnectedNetwork net) =>
        net.Layers.SelectMany(l => l.Bias is null ? new[] { l.Weight } : new Tensor[] { l.Weight, l.Bias }).ToList();

    [Test]
    public void AChainWithoutBiasesHasASlotPerWeightAndNoBiasSlots()
    {
        using var net = Nets.TwoLayer(3, 4, seed: 1, bias: false);
        var slots = DenseChainLinearisation.Slots(net.Layers, InLayerOrder(net));
        Assert.That(slots, Is.EqualTo(new[] { (0, -1), (1, -1) }));
    }

    [Test]
    public void SlotsAreThePositionsInTheCallersList()
    {
        using var net = Nets.TwoLayer(3, 4, seed: 1, bias: true);
        var reversed = InLayerOrder(net);
        reversed.Reverse();
        Assert.That(DenseChainLinearisation.Slots(net.Layers, reversed), Is.EqualTo(new[] { (3, 2), (1, 0) }));
    }

    [Test]
    public void AListWithAParameterOutsideTheChainOrWithoutOneOfItsOwnHasNoSlots()
    {
        using var net = Nets.TwoLayer(3, 4, seed: 1, bias: true);
        using var outsider = torch.zeros(2);
        var parameters = InLayerOrder(net);
        Assert.That(DenseChainLinearisation.Slots(net.Layers, parameters.Append(outsider).ToList()), Is.Null, "one parameter too many");
        Assert.That(DenseChainLinearisation.Slots(net.Layers, parameters.Where(p => !ReferenceEquals(p, net.Layers[0].Bias)).ToList()),
            Is.Null, "a bias missing");
    }

    // The chain's check is what stands between the inputs and a reshape inside libtorch: one-dimensional inputs, or
    // inputs without rows, are refused by name with their shape even where the element count would line up (a
    // network one feature wide, n = 0).
    [Test]
    public void InputsWithoutRowsOfTheFirstLayersWidthAreRefusedWithTheirShape()
    {
        using var net = Nets.TwoLayer(1, 4, seed: 1, bias: true);
        using var flat = torch.ones(5);
        var ex = Assert.Throws<ArgumentException>(() => LayerWiseNtk.Compute(net, flat).Dispose());
        Assert.That(ex!.ParamName, Is.EqualTo("inputs"));
        Assert.That(ex.Message, Does.StartWith("The network expects inputs [n, 1], got [5]."));
        using var none = torch.ones(0, 1);
        ex = Assert.Throws<ArgumentException>(() => LayerWiseNtk.Compute(net, none).Dispose());
        Assert.That(ex!.ParamName, Is.EqualTo("inputs"));
        Assert.That(ex.Message, Does.StartWith("The network expects inputs [n, 1], got [0, 1]."));
    }
}
