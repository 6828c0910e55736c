using Catapults.ML.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Catapults.ML.Tests.Training;

/// <summary>
/// <see cref="OptimizerOptions.WeightDecay"/> applies to plain SGD as to every other optimiser: one step moves
/// w to w − η (g + λ w). The other optimisers' recurrences are pinned with a decay; plain SGD was only run with
/// λ = 0, so a dropped weight_decay went unseen. Found by mutation testing (6 Dec 2026).
/// </summary>
[TestFixture]
public sealed class SgdWeightDecayTests
{
    [Test]
    public void OneSgdStepAddsTheDecayToTheGradient()
    {
        using var scope = torch.NewDisposeScope();
        const double lr = 0.5, decay = 0.1;
        var w = new TorchSharp.Modules.Parameter(torch.tensor(new float[] { 1f, -2f, 4f }));
        using var optimizer = Optimizers.Create(OptimizerKind.Sgd, new[] { w }, lr, new OptimizerOptions { WeightDecay = decay });
        var g = new[] { 0.5f, 1f, -1f };
        using (torch.no_grad()) w.grad = torch.tensor(g);
        optimizer.step();

        var before = new[] { 1.0, -2.0, 4.0 };
        var expected = before.Select((x, i) => x - lr * (g[i] + decay * x)).ToArray();
        Assert.That(w.data<float>().ToArray().Select(v => (double)v), Is.EqualTo(expected).Within(1e-6));
    }
}
