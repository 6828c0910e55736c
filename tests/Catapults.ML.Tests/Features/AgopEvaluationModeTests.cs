using Catapults.ML.Features;
using Catapults.ML.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Catapults.ML.Tests.Features;

/// <summary>
/// The AGOP of a model is taken in evaluation mode, and the model's mode is restored afterwards (Agop's remarks): batch
/// normalisation then uses its running statistics, so each output row depends on its own input row only. Found by
/// mutation testing (round 19C): an AGOP taken in training mode passed every test, none of whose models mixes samples.
/// </summary>
[TestFixture]
public sealed class AgopEvaluationModeTests
{
    // y = BatchNorm(x) over two features, with fresh running statistics (mean 0, variance 1) and unit affine weights.
    private sealed class Normalised : NetworkModule
    {
        private readonly TorchSharp.Modules.BatchNorm1d norm;

        public Normalised() : base(nameof(Normalised))
        {
            norm = nn.BatchNorm1d(2);
            RegisterComponents();
        }

        public TorchSharp.Modules.BatchNorm1d Norm => norm;

        public override long[] InputShape => new long[] { 2 };
        public override int OutputCount => 2;
        public override string Describe() => "normalised";
        public override Tensor forward(Tensor input) => norm.forward(input);
    }

    [Test]
    public void BatchNormalisationUsesItsRunningStatisticsAndTheModeIsRestored()
    {
        using var scope = torch.NewDisposeScope();
        using var net = new Normalised();
        net.train();
        var x = torch.tensor(new float[] { 1, 2, -3, 0.5f, 4, -1, 0, 3, 2, 2, -1, -2 }).reshape(6, 2);
        // In evaluation mode y = x / √(1 + ε), ε = 1e-5, so ∇y_c = e_c / √(1 + ε) and G = Σ_c ∇y_c ∇y_cᵀ = I / (1 + ε).
        // In training mode each output is normalised by its batch, and the column sums have no gradient at all.
        var g = Agop.Compute(net, x, new AgopOptions { BatchSize = 6 });
        Assert.That(torch.allclose(g, torch.eye(2, dtype: ScalarType.Float64) / (1 + 1e-5), rtol: 1e-6, atol: 1e-9), Is.True,
            $"G = {string.Join(", ", g.data<double>().ToArray())}");
        Assert.That(net.training, Is.True, "the model is back in training mode");
        Assert.That(net.Norm.running_mean!.abs().max().item<float>(), Is.EqualTo(0f), "no training-mode pass updated the running mean");
    }
}
