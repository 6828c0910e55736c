using Catapults.ML.Tests.Support;
using TorchSharp;

namespace Catapults.ML.Tests.Models;

/// <summary>
/// <see cref="Catapults.ML.Models.NetworkModule.HasFiniteParameters"/> tells a diverged run from a measurement that
/// failed on its own, so one non-finite scalar anywhere must make it false. Found by mutation testing (round 19A):
/// every test read it on finite networks only, so "any parameter finite" passed as well as "every parameter finite".
/// </summary>
public sealed class FiniteParametersTests
{
    [Test]
    public void AFreshNetworkHasFiniteParameters()
    {
        using var net = Nets.TwoLayer(3, 4, bias: true);
        Assert.That(net.HasFiniteParameters(), Is.True);
    }

    [TestCase(double.NaN)]
    [TestCase(double.PositiveInfinity)]
    [TestCase(double.NegativeInfinity)]
    public void OneNonFiniteScalarInOneLayerMakesTheParametersNonFinite(double value)
    {
        using var net = Nets.TwoLayer(3, 4, bias: true);
        // One entry of the readout's bias only: the hidden layer and the readout's weights stay finite.
        using (torch.no_grad()) net.Layers[1].Bias![0] = torch.tensor((float)value);
        Assert.That(net.HasFiniteParameters(), Is.False);
    }
}
