using Catapults.ML.Features;
using TorchSharp;
using static TorchSharp.torch;

namespace Catapults.ML.Tests.Features;

/// <summary>
/// A disposed map refuses a tensor transform rather than quietly building a new device copy of its matrix, which
/// nothing would release. Found by mutation testing (round 15A): a Transform without the check passed every test.
/// </summary>
[TestFixture]
public sealed class AgopFeatureMapDisposeTests
{
    [Test]
    public void ADisposedMapRefusesATensorTransform()
    {
        using var scope = torch.NewDisposeScope();
        var map = AgopFeatureMap.Fit(torch.eye(3, dtype: ScalarType.Float64));
        var x = torch.ones(2, 3);
        Assert.That(map.Transform(x).shape, Is.EqualTo(new long[] { 2, 3 }));
        map.Dispose();
        Assert.Throws<ObjectDisposedException>(() => map.Transform(x));
    }

    [Test]
    public void ADisposedMapRefusesARowTransformAsItsTensorTransformDoes()
    {
        var map = AgopFeatureMap.Fit(torch.eye(3, dtype: ScalarType.Float64));
        var output = new float[3];
        map.Transform(new float[] { 1, 2, 3 }, output);
        Assert.That(output, Is.EqualTo(new float[] { 1, 2, 3 }));
        map.Dispose();
        Assert.Throws<ObjectDisposedException>(() => map.Transform(new float[] { 1, 2, 3 }, output));
    }
}
