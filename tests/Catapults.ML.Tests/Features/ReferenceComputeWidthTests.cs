using Catapults.ML.Features;
using TorchSharp;
using static TorchSharp.torch;

namespace Catapults.ML.Tests.Features;

/// <summary>
/// <see cref="ReferenceAgop.Compute"/> refuses inputs whose column count differs from the reference's d, as documented,
/// also for a given matrix, which never looks at the inputs: a 2×2 reference must not be compared with a model of 3
/// features. Found by mutation testing (6 Dec 2026).
/// </summary>
[TestFixture]
public sealed class ReferenceComputeWidthTests
{
    [Test]
    public void AGivenMatrixRefusesInputsOfAnotherWidth()
    {
        using var scope = torch.NewDisposeScope();
        var reference = ReferenceAgop.OfMatrix(new double[,] { { 1.0, 0.0 }, { 0.0, 1.0 } });
        var ex = Assert.Throws<ArgumentException>(() => reference.Compute(torch.zeros(4, 3)));
        Assert.That(ex!.ParamName, Is.EqualTo("features"));
        Assert.That(ex.Message, Does.Contain("defined over 2 features").And.Contain("have 3 features"));
        Assert.That(reference.Compute(torch.zeros(4, 2)).shape, Is.EqualTo(new long[] { 2, 2 }));
    }

    // A batch [n, d, 1] has d in its second dimension but is no [n, d] batch: a given matrix would have been returned for
    // it without complaint. Found by mutation testing (round 19C).
    [Test]
    public void InputsOfMoreThanTwoDimensionsAreRefused()
    {
        using var scope = torch.NewDisposeScope();
        var reference = ReferenceAgop.OfMatrix(new[,] { { 1.0, 0 }, { 0, 1.0 } });
        var ex = Assert.Throws<ArgumentException>(() => reference.Compute(torch.ones(5, 2, 1)));
        Assert.That(ex!.ParamName, Is.EqualTo("features"));
        Assert.That(ex.Message, Does.StartWith("The reference (a given 2×2 matrix) needs inputs [n, 2]; got shape [5, 2, 1]."));
    }
}
