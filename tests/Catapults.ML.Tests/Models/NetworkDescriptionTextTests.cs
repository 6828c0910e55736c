using Catapults.ML.Models;
using Catapults.ML.Tests.Support;

namespace Catapults.ML.Tests.Models;

/// <summary>
/// The one-line descriptions reports print: a description says "no biases" only when biases were turned off (unset
/// means the architecture's default, which has them), and a built network states its bias setting as it is. Found by
/// mutation testing (round 9B): no test read either text.
/// </summary>
public sealed class NetworkDescriptionTextTests
{
    [TestCase(null, "fcn-2 (width 1024)")]
    [TestCase(true, "fcn-2 (width 1024)")]
    [TestCase(false, "fcn-2 (width 1024, no biases)")]
    public void ADescriptionMentionsBiasesOnlyWhenTheyAreOff(bool? useBias, string expected)
    {
        Assert.That(new NetworkDescription { UseBias = useBias }.Describe(), Is.EqualTo(expected));
    }

    [Test]
    public void AWideResNetsWidthIsItsArchitecturesDefault()
    {
        Assert.That(new NetworkDescription { Architecture = "wrn-16-4" }.Describe(), Is.EqualTo("wrn-16-4 (width default)"));
        Assert.That(new NetworkDescription { Architecture = "cnn-3", Width = 8 }.Describe(), Is.EqualTo("cnn-3 (width 8)"));
    }

    [TestCase(true, "bias=on")]
    [TestCase(false, "bias=off")]
    public void AFullyConnectedNetworkStatesItsBiasSetting(bool bias, string expected)
    {
        using var net = Nets.TwoLayer(3, 4, bias: bias);
        Assert.That(net.Describe(), Is.EqualTo($"FCN 3-4-1, Relu, Ntk, {expected}, output×1"));
    }

    [Test]
    public void AFullyConnectedNetworkStatesItsOutputMultiplierToFourSignificantDigits()
    {
        // The γ study's multiplier 1/γ: 1/3 and 1/3.001 must read differently in a report. Found by mutation testing
        // (round 19A): every description read had output×1.
        using var net = new FullyConnectedNetwork(new FullyConnectedOptions { InputDimension = 3, HiddenWidths = new[] { 4 }, OutputMultiplier = 1.0 / 3 });
        Assert.That(net.Describe(), Is.EqualTo("FCN 3-4-1, Relu, Ntk, bias=on, output×0.3333"));
    }
}
