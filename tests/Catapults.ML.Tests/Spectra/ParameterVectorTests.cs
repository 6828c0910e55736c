using Catapults.ML.Spectra;
using TorchSharp;
using static TorchSharp.torch;

namespace Catapults.ML.Tests.Spectra;

/// <summary>
/// Flat parameter-space vectors are one-dimensional: a column of the right length is refused by name rather than
/// silently split as if it were a vector. Found by mutation testing (round 13A).
/// </summary>
public sealed class ParameterVectorTests
{
    [Test]
    public void AColumnOfTheRightLengthIsNotAParameterVector()
    {
        using var scope = torch.NewDisposeScope();
        var like = new[] { torch.zeros(2, 3), torch.zeros(4) };
        var ex = Assert.Throws<ArgumentException>(() => ParameterVector.Split(torch.arange(10, ScalarType.Float32).reshape(10, 1), like));
        Assert.That(ex!.ParamName, Is.EqualTo("flat"));
        Assert.That(ex.Message, Does.StartWith("A parameter-space vector must be [10], got [10, 1]."));

        // The vector itself splits into views of the parameters' shapes, in order.
        var parts = ParameterVector.Split(torch.arange(10, ScalarType.Float32), like);
        Assert.That(parts.Select(p => p.shape), Is.EqualTo(new[] { new long[] { 2, 3 }, new long[] { 4 } }));
        Assert.That(parts[1].data<float>().ToArray(), Is.EqualTo(new float[] { 6, 7, 8, 9 }));
    }

    // No parameters is nothing to flatten: refused by name, not passed to libtorch's cat (mutation round 23A).
    [Test]
    public void FlatteningNoTensorsIsRefusedByName()
    {
        var ex = Assert.Throws<ArgumentException>(() => ParameterVector.Flatten(Array.Empty<Tensor>()));
        Assert.That(ex!.ParamName, Is.EqualTo("parts"));
        Assert.That(ex.Message, Does.StartWith("Nothing to flatten."));
    }
}
