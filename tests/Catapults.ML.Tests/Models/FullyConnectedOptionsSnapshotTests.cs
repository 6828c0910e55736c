using Catapults.ML.Models;
using Catapults.ML.Tests.Support;
using TorchSharp;

namespace Catapults.ML.Tests.Models;

/// <summary>
/// <see cref="FullyConnectedNetwork.Options"/> hands back the settings the network was built with, so a network rebuilt
/// from them computes the same function; the output multiplier is one of them. Found by mutation
/// testing (round 9B): dropping it from the copy went unseen.
/// </summary>
public sealed class FullyConnectedOptionsSnapshotTests
{
    [Test]
    public void TheOptionsRebuildTheSameFunction()
    {
        using var scope = torch.NewDisposeScope();
        var built = new FullyConnectedOptions
        {
            InputDimension = 5, HiddenWidths = new[] { 7, 3 }, OutputCount = 2, Activation = ActivationKind.Tanh, UseBias = false,
            Parameterization = Parameterization.MeanField, OutputMultiplier = 0.25, Seed = 9,
        };
        using var net = new FullyConnectedNetwork(built);

        var options = net.Options;

        Assert.That(options.InputDimension, Is.EqualTo(5));
        Assert.That(options.HiddenWidths, Is.EqualTo(new[] { 7, 3 }));
        Assert.That(options.OutputCount, Is.EqualTo(2));
        Assert.That(options.Activation, Is.EqualTo(ActivationKind.Tanh));
        Assert.That(options.UseBias, Is.False);
        Assert.That(options.Parameterization, Is.EqualTo(Parameterization.MeanField));
        Assert.That(options.OutputMultiplier, Is.EqualTo(0.25));
        // Before 6 Dec 2026 the seed came back as 0 (found by mutation round 9B), so the rebuild drew other weights.
        Assert.That(options.Seed, Is.EqualTo(9));
        using var rebuilt = new FullyConnectedNetwork(options);
        var x = torch.randn(new long[] { 4, 5 }, generator: new torch.Generator(2));
        TensorAssert.AllClose(rebuilt.forward(x), net.forward(x), 0, 0, "same settings and seed, same function");
    }

    // A network without hidden layers was described as "FCN 3--1".
    [TestCase(new int[0], "FCN 3-1, ")]
    [TestCase(new[] { 4 }, "FCN 3-4-1, ")]
    public void TheDescriptionListsEveryLayerWidthOnce(int[] hidden, string start)
    {
        using var net = new FullyConnectedNetwork(new FullyConnectedOptions { InputDimension = 3, HiddenWidths = hidden, OutputCount = 1 });
        Assert.That(net.Describe(), Does.StartWith(start));
    }
}
