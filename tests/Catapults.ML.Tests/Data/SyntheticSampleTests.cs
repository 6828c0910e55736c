using Catapults.ML.Data;
using TorchSharp;

namespace Catapults.ML.Tests.Data;

/// <summary>
/// The synthetic inputs are standard normal, and the smallest dimensions are allowed.
/// Found by mutation testing (6 Dec 2026).
/// </summary>
public sealed class SyntheticSampleTests
{
    [Test]
    public void InputsAreStandardNormal()
    {
        using var scope = torch.NewDisposeScope();
        using var generator = new torch.Generator(17);
        using var data = SyntheticTask.Rank2(4).Sample(20000, generator);
        double mean = data.Features.mean().item<float>();
        double variance = data.Features.var().item<float>();
        // 80 000 draws: the standard error of the mean is 0.0035, of the variance about 0.005.
        Assert.That(mean, Is.EqualTo(0).Within(0.02));
        Assert.That(variance, Is.EqualTo(1).Within(0.03));
    }

    [Test]
    public void TheSmallestDimensionsAreAllowed()
    {
        using var scope = torch.NewDisposeScope();
        var x = torch.tensor(new float[] { 2, 3, 5, 7 }).reshape(1, 4);
        Assert.That(SyntheticTask.Rank2(2).Evaluate(x.narrow(1, 0, 2)).item<float>(), Is.EqualTo(6f));
        Assert.That(SyntheticTask.Rank4(4).Evaluate(x).item<float>(), Is.EqualTo(2f + 6 + 30 + 210));
    }
}
