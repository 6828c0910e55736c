using Catapults.ML.Features;
using Catapults.ML.Tests.Support;
using TorchSharp;
using static TorchSharp.torch;

namespace Catapults.ML.Tests.Features;

/// <summary>
/// AgopFeatureMap names the argument at fault: AGOP options asking for per-output matrices (the map needs the summed
/// AGOP), and a row destination of the wrong length, longer as well as shorter. Found by mutation testing (round 19C):
/// without the first check a later one refused under another parameter's name, and a longer destination passed with
/// its tail left as it was.
/// </summary>
[TestFixture]
public sealed class AgopFeatureMapArgumentTests
{
    [Test]
    public void PerOutputAgopOptionsAreRefusedByName()
    {
        using var scope = torch.NewDisposeScope();
        using var net = Nets.TwoLayer(5, 4);
        var ex = Assert.Throws<ArgumentException>(() =>
            AgopFeatureMap.Fit(net, torch.ones(3, 5), agopOptions: new AgopOptions { PerOutput = true }));
        Assert.That(ex!.ParamName, Is.EqualTo("agopOptions"));
        Assert.That(ex.Message, Does.StartWith("AgopOptions.PerOutput must be off when fitting a feature map"));
    }

    [Test]
    public void ARowDestinationLongerThanTheMapsOutputIsRefused()
    {
        using var scope = torch.NewDisposeScope();
        using var map = AgopFeatureMap.Fit(torch.diag(torch.tensor(new[] { 3.0, 2.0, 1.0 }, ScalarType.Float64)),
            new AgopFeatureMapOptions { Kind = AgopFeatureMapKind.TopEigenvectors, Rank = 2 });
        var ex = Assert.Throws<ArgumentException>(() => map.Transform(new float[3], new float[3]));
        Assert.That(ex!.ParamName, Is.EqualTo("output"));
        Assert.That(ex.Message, Does.StartWith("The feature map produces 2 features but the destination has room for 3."));
    }
}
