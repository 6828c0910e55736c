using Catapults.ML.Data;
using Catapults.ML.Features;
using Catapults.ML.Models;
using Catapults.ML.Runtime;
using Catapults.ML.Tests.Support;
using TorchSharp;
using static TorchSharp.torch;

namespace Catapults.ML.Tests.Features;

/// <summary>AGOPs against closed forms for Gaussian inputs (each test states its own) and the derivation in <see cref="ReferenceAgop.Rank4"/>.</summary>
public class AgopClosedFormTests
{
    private static Tensor Gaussian(int n, int d, long seed)
    {
        using var g = Seeding.TorchGenerator(seed, Seeding.Stream.Data);
        return torch.randn(new long[] { n, d }, generator: g);
    }

    [Test]
    public void ProductX1X2GivesDiagOneOneWithinFourOverRootN()
    {
        const int n = 4000, d = 10;
        using var scope = torch.NewDisposeScope();
        var x = Gaussian(n, d, seed: 21);
        var g = Agop.Compute(SyntheticTask.Rank2(d), x);
        Assert.That(g.shape, Is.EqualTo(new long[] { d, d }));
        // Every entry is a sample mean of x₁², x₂² or x₁x₂ (sd √(2/n) or 1/√n), so 4/√n is a ≥ 2.8σ bound.
        TensorAssert.AllClose(g, ReferenceAgop.Rank2(d), 0, 4 / Math.Sqrt(n), "AGOP of x₁x₂ vs diag(1, 1, 0, …)");
        // Same samples, gradient written by hand: (x₂, x₁, 0, …). Checks the autograd path exactly, not statistically.
        var xd = x.to_type(ScalarType.Float64);
        var grads = torch.zeros_like(xd);
        grads[.., 0] = xd[.., 1];
        grads[.., 1] = xd[.., 0];
        TensorAssert.AllClose(g, torch.mm(grads.t(), grads) / n, 1e-5, 1e-6, "AGOP of x₁x₂ vs hand gradients");
    }

    [Test]
    public void LinearModelGivesWWTransposeExactly()
    {
        const int d = 7;
        using var scope = torch.NewDisposeScope();
        using var net = Nets.Linear(d, bias: true, seed: 3);
        var layer = net.Layers[0];
        // f(x) = s·wᵀx + b, so ∇f = s·w for every x and G = s² wwᵀ whatever the data.
        var w = layer.Weight.detach().to_type(ScalarType.Float64).reshape(d, 1) * layer.WeightScale;
        var x = Gaussian(53, d, seed: 4) * 3;
        var g = Agop.Compute(net, x, new AgopOptions { BatchSize = 10 });
        TensorAssert.AllClose(g, torch.mm(w, w.t()), 1e-5, 1e-8, "AGOP of wᵀx vs wwᵀ (exact up to float32 rounding of the gradients)");
        // Centred, the gradient has no variance: G = 0 exactly, not the rounding noise of the float32 gradients.
        var centred = Agop.Compute(net, x, new AgopOptions { BatchSize = 10, Center = true });
        TensorAssert.AllClose(centred, torch.zeros(d, d, dtype: ScalarType.Float64), 0, 0, "centred AGOP of a linear model");
        var perOutput = Agop.Compute(net, x, new AgopOptions { BatchSize = 10, Center = true, PerOutput = true, Power = 0.5 });
        TensorAssert.AllClose(perOutput, torch.zeros(1, d, d, dtype: ScalarType.Float64), 0, 0, "per output, and its square root");
        // Normalising it would scale that noise up to a matrix of trace 1.
        var ex = Assert.Throws<InvalidOperationException>(() => Agop.Compute(net, x, new AgopOptions { BatchSize = 10, Center = true, NormalizeTrace = true }));
        Assert.That(ex!.Message, Does.Contain("trace is 0").And.Contain("linear model"));
    }

    [TestCase(28, 10, true)]
    [TestCase(38, 32, false)]
    [TestCase(13, 15, true)]
    public void ACentredAgopOfADeepLinearNetworkIsExactlyZero(int n, int batchSize, bool perOutput)
    {
        // With identity activations the input gradient is the same for every sample, but the batched backward pass
        // rounds it differently from row to row: the centred sums used to come back as noise of relative size ~1e-14,
        // which a trace normalisation scaled up to a matrix of trace 1 (found by an AGOP fuzzer, cases t=82 and t=216).
        const int d = 6;
        using var scope = torch.NewDisposeScope();
        using var net = new FullyConnectedNetwork(new FullyConnectedOptions
        {
            InputDimension = d, HiddenWidths = new[] { 9, 7 }, OutputCount = 2, Activation = ActivationKind.Identity,
            Parameterization = Parameterization.Standard, Seed = 82,
        });
        var x = Gaussian(n, d, seed: 83);
        AgopOptions Options(bool center, bool normalize) =>
            new() { BatchSize = batchSize, Center = center, PerOutput = perOutput, NormalizeTrace = normalize };
        var centred = Agop.Compute(net, x, Options(center: true, normalize: false));
        Assert.That(centred.abs().max().ToDouble(), Is.EqualTo(0), "no variance the float32 gradients can resolve");
        var raw = Agop.Compute(net, x, Options(center: false, normalize: false));
        Assert.That(raw.diagonal(0, -2, -1).sum(-1).min().ToDouble(), Is.GreaterThan(1e-3), "the raw AGOP is not small");
        Assert.Throws<InvalidOperationException>(() => Agop.Compute(net, x, Options(center: true, normalize: true)));
    }

    [TestCase(ScalarType.Float32, 1e-4)]
    [TestCase(ScalarType.Float64, 1e-9)]
    public void ACentredAgopKeepsAVarianceFarBelowTheMeanButAboveTheGradientsResolution(ScalarType dtype, double a)
    {
        // f(x) = wᵀx + a·x₁²/2: ∇f = w + a·x₁e₁, so the centred AGOP is a²·Var(x₁)·e₁e₁ᵀ (sample variance), a relative
        // size a²/|w|² ≈ 1e-8 (float32) or 1e-18 (float64): far below the mean, above the (32ε)² ≈ 1.5e-11 or 5e-29 floor.
        const int n = 64, d = 4;
        using var scope = torch.NewDisposeScope();
        var w = torch.tensor(new double[] { 1.0, -0.5, 0.25, 0.5 }, dtype).reshape(d, 1);
        Tensor F(Tensor x) => torch.mm(x, w) + a * 0.5 * x[.., 0..1].square();
        var x = Gaussian(n, d, seed: 9).to_type(dtype);
        var centred = Agop.Compute(F, d, 1, x, new AgopOptions { BatchSize = 16, Center = true });
        var x1 = x[.., 0].to_type(ScalarType.Float64);
        double variance = a * a * (x1 - x1.mean()).square().mean().ToDouble();
        var expected = torch.zeros(d, d, dtype: ScalarType.Float64);
        expected[0, 0] = variance;
        // float32 gradients resolve w + a·x₁ to about 1e-7·|w|, so the variance a²·Var ≈ 1e-8 keeps about 2 digits.
        TensorAssert.AllClose(centred, expected, dtype == ScalarType.Float32 ? 5e-2 : 1e-6, variance * 1e-3, "the tiny variance is kept");
        Assert.That(centred[0, 0].ToDouble(), Is.GreaterThan(0));
    }

    [Test]
    public void ACentredLinearModelsAgopIsThatOfItsChangeOverGamma()
    {
        // f = (f_w − f_w₀)/γ with f_w linear: ∇f = s·(w − w₀)/γ for every x, so G = s²(w − w₀)(w − w₀)ᵀ/γ², and 0 at
        // the initial weights. The frozen copy used to be left out of the input gradient, giving s²wwᵀ/γ².
        const int d = 5;
        const double gamma = 0.5;
        using var scope = torch.NewDisposeScope();
        using var centred = new CenteredNetwork(() => Nets.Linear(d, bias: true, seed: 7), gamma);
        var x = Gaussian(20, d, seed: 8);
        TensorAssert.AllClose(Agop.Compute(centred, x), torch.zeros(d, d, dtype: ScalarType.Float64), 0, 0, "AGOP at the initial weights");

        var live = (FullyConnectedNetwork)centred.Network;
        var w0 = live.Layers[0].Weight.detach().to_type(ScalarType.Float64).reshape(d, 1).clone();
        using (torch.no_grad()) live.Layers[0].Weight.add_(torch.linspace(-1, 1, d).reshape(1, d));
        var change = (live.Layers[0].Weight.detach().to_type(ScalarType.Float64).reshape(d, 1) - w0) * live.Layers[0].WeightScale / gamma;
        TensorAssert.AllClose(Agop.Compute(centred, x), torch.mm(change, change.t()), 1e-5, 1e-8, "AGOP after a change of the weights");
    }

    [Test]
    public void SquaredLinearFormGivesFourNormSquaredWWTransposeWithinSamplingError()
    {
        const int n = 20000, d = 6;
        using var scope = torch.NewDisposeScope();
        var w = torch.tensor(new double[] { 0.5, -1.0, 0.25, 0.0, 2.0, -0.75 }, ScalarType.Float64).reshape(d, 1);
        var wf = w.to_type(ScalarType.Float32);
        var x = Gaussian(n, d, seed: 8);
        var g = Agop.Compute(v => torch.mm(v, wf).square(), d, 1, x, new AgopOptions { BatchSize = 3000 });
        var wwT = torch.mm(w, w.t());
        // ∇f = 2(wᵀx)w, so on these samples G = 4·ŝ·wwᵀ exactly, with ŝ = 1/n Σ (wᵀxᵢ)².
        double sHat = torch.mm(x.to_type(ScalarType.Float64), w).square().mean().ToDouble();
        TensorAssert.AllClose(g, 4 * sHat * wwT, 1e-5, 1e-7, "AGOP of (wᵀx)² vs 4ŝwwᵀ");
        // Population: E(wᵀx)² = ‖w‖². ŝ/‖w‖² is a mean of n χ²₁ variables (variance 2), so its relative sampling
        // error has sd √(2/n); every entry of G − 4‖w‖²wwᵀ is that relative error times the entry: allow 5σ.
        double norm2 = w.square().sum().ToDouble();
        double rtol = 5 * Math.Sqrt(2.0 / n);
        TensorAssert.AllClose(g, 4 * norm2 * wwT, rtol, 1e-9, $"AGOP of (wᵀx)² vs 4‖w‖²wwᵀ (rtol {rtol:G3} = 5σ)");
    }

    [Test]
    public void MultiOutputLinearModelGivesWTransposeW()
    {
        const int d = 9, outputs = 4;
        using var scope = torch.NewDisposeScope();
        using var net = Nets.Linear(d, bias: false, outputs: outputs, seed: 5);
        var layer = net.Layers[0];
        var w = layer.Weight.detach().to_type(ScalarType.Float64) * layer.WeightScale; // [O, d]
        var x = Gaussian(40, d, seed: 6);
        var summed = Agop.Compute(net, x, new AgopOptions { BatchSize = 16 });
        TensorAssert.AllClose(summed, torch.mm(w.t(), w), 1e-5, 1e-8, "summed AGOP of Wx vs WᵀW");
        var perOutput = Agop.Compute(net, x, new AgopOptions { BatchSize = 16, PerOutput = true });
        Assert.That(perOutput.shape, Is.EqualTo(new long[] { outputs, d, d }));
        for (int c = 0; c < outputs; c++)
        {
            var row = w[c].reshape(d, 1);
            TensorAssert.AllClose(perOutput[c], torch.mm(row, row.t()), 1e-5, 1e-8, $"AGOP of output {c} vs w_c w_cᵀ");
        }
    }

    [Test]
    public void Rank4ClosedFormAgreesWithAutogradOnLargeN()
    {
        const int n = 200_000, d = 6;
        using var scope = torch.NewDisposeScope();
        var x = Gaussian(n, d, seed: 9);
        var task = SyntheticTask.Rank4(d);
        var g = Agop.Compute(task, x, new AgopOptions { BatchSize = 25_000 });
        var closed = ReferenceAgop.ClosedForm(task);
        TensorAssert.AllClose(closed, torch.diag(torch.tensor(new double[] { 4, 3, 2, 1, 0, 0 })), 0, 0, "closed form");

        // Hand-written gradients of x₁ + x₁x₂ + x₁x₂x₃ + x₁x₂x₃x₄ give the per-sample products whose mean G is.
        var xd = x.to_type(ScalarType.Float64);
        Tensor c(int i) => xd[.., i];
        var grads = torch.zeros_like(xd);
        grads[.., 0] = 1 + c(1) + c(1) * c(2) + c(1) * c(2) * c(3);
        grads[.., 1] = c(0) * (1 + c(2) + c(2) * c(3));
        grads[.., 2] = c(0) * c(1) * (1 + c(3));
        grads[.., 3] = c(0) * c(1) * c(2);
        var products = grads.unsqueeze(2) * grads.unsqueeze(1); // [n, d, d]
        TensorAssert.AllClose(g, products.mean(new long[] { 0 }), 1e-4, 1e-5, "autograd AGOP vs hand gradients on the same samples");

        // Statistical agreement with the closed form: each entry is a sample mean, so allow 5 standard errors.
        var standardError = products.std(0) / Math.Sqrt(n);
        var excess = (g - closed).abs() - 5 * standardError - 1e-9;
        Assert.That(excess.max().ToDouble(), Is.LessThanOrEqualTo(0),
            $"|G − diag(4, 3, 2, 1, 0, 0)| exceeds 5 standard errors; G diagonal = [{string.Join(", ", TensorAssert.ToArray(g.diagonal()).Select(v => v.ToString("F3")))}]");
    }

    [Test]
    public void MonteCarloReferenceOfTheTargetApproachesTheClosedForm()
    {
        using var scope = torch.NewDisposeScope();
        var task = SyntheticTask.Rank2(5);
        var estimate = ReferenceAgop.FromTarget(task, 20_000, seed: 3, new AgopOptions { BatchSize = 5000 });
        TensorAssert.AllClose(estimate, ReferenceAgop.Rank2(5), 0, 4 / Math.Sqrt(20_000), "Monte-Carlo G* of x₁x₂");
        var again = ReferenceAgop.FromTarget(task, 20_000, seed: 3, new AgopOptions { BatchSize = 5000 });
        TensorAssert.AllClose(again, estimate, 0, 0, "same seed, same estimate");
    }
}
