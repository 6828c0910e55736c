using Catapults.ML.Data;
using Catapults.ML.Features;
using Catapults.ML.Models;
using Catapults.ML.Runtime;
using Catapults.ML.Tests.Support;
using TorchSharp;
using Conv2d = TorchSharp.Modules.Conv2d;
using Linear = TorchSharp.Modules.Linear;
using static TorchSharp.torch;

namespace Catapults.ML.Tests.Features;

/// <summary>Streaming, options and input handling of <see cref="Agop"/>, checked against per-sample gradients.</summary>
public class AgopStreamingTests
{
    private static Tensor Gaussian(long[] shape, long seed)
    {
        using var g = Seeding.TorchGenerator(seed, Seeding.Stream.Data);
        return torch.randn(shape, generator: g);
    }

    /// <summary>
    /// Per-sample input gradients, one sample and one output at a time: [n, O, d] in float64. Independent of the batch
    /// trick the engine uses (one backward per output for a whole batch).
    /// </summary>
    private static Tensor PerSampleGradients(NetworkModule model, Tensor features)
    {
        using var scope = torch.NewDisposeScope();
        long n = features.shape[0], d = model.InputDimension;
        var result = torch.zeros(new long[] { n, model.OutputCount, d }, ScalarType.Float64);
        for (long i = 0; i < n; i++)
        {
            var xi = features[i].reshape(1, d).detach().clone().requires_grad_(true);
            var output = model.forward(xi);
            for (int c = 0; c < model.OutputCount; c++)
            {
                var grad = torch.autograd.grad(new[] { output[0, c] }, new[] { xi }, retain_graph: true)[0];
                result[i, c] = grad.reshape(d).to_type(ScalarType.Float64);
            }
        }
        return result.MoveToOuterDisposeScope();
    }

    [Test]
    public void StreamedAgopEqualsUnbatchedAndPerSampleAgop()
    {
        const int n = 103, d = 8, outputs = 3;
        using var scope = torch.NewDisposeScope();
        using var net = Nets.TwoLayer(d, 32, seed: 2, bias: true, act: ActivationKind.Tanh, outputs: outputs);
        var x = Gaussian(new long[] { n, d }, seed: 3);
        var grads = PerSampleGradients(net, x);                                      // [n, O, d]
        var perOutputExpected = torch.einsum("nci,ncj->cij", grads, grads) / n;     // [O, d, d]
        var mean = grads.mean(new long[] { 0 });                                     // [O, d]
        var centred = torch.einsum("nci,ncj->cij", grads - mean, grads - mean) / n;

        foreach (bool perOutput in new[] { false, true })
        foreach (bool center in new[] { false, true })
        {
            var streamed = Agop.Compute(net, x, new AgopOptions { BatchSize = 7, PerOutput = perOutput, Center = center });
            var unbatched = Agop.Compute(net, x, new AgopOptions { BatchSize = n, PerOutput = perOutput, Center = center });
            var expectedPerOutput = center ? centred : perOutputExpected;
            var expected = perOutput ? expectedPerOutput : expectedPerOutput.sum(0L);
            string what = $"perOutput={perOutput}, center={center}";
            TensorAssert.AllClose(streamed, unbatched, 1e-5, 1e-7, "streamed vs unbatched, " + what);
            TensorAssert.AllClose(streamed, expected, 1e-5, 1e-7, "streamed vs per-sample gradients, " + what);
        }
    }

    [Test]
    public void CentringIsAccurateWhenGradientsBarelyVaryAroundALargeMean()
    {
        // f(x) = 100·x₁ + 0.01·x₁x₂: gradient (100 + 0.01x₂, 0.01x₁, 0…), covariance diag(1e-4, 1e-4, 0…). Forming
        // 1/n Σ ggᵀ ≈ 1e4 in float32 and subtracting ḡḡᵀ would leave errors of about 1e-3, ten times the answer; the
        // shifted sum keeps three digits.
        const int n = 5000, d = 4;
        using var scope = torch.NewDisposeScope();
        var x = Gaussian(new long[] { n, d }, seed: 12);
        var g = Agop.Compute(v => (100 * v[.., 0] + 0.01 * v[.., 0] * v[.., 1]).unsqueeze(1), d, 1, x,
            new AgopOptions { BatchSize = 512, Center = true });
        var xd = x.to_type(ScalarType.Float64);
        var grads = torch.zeros_like(xd);
        grads[.., 0] = 100 + 0.01 * xd[.., 1];
        grads[.., 1] = 0.01 * xd[.., 0];
        var dev = grads - grads.mean(new long[] { 0 });
        TensorAssert.AllClose(g, torch.mm(dev.t(), dev) / n, 1e-3, 1e-9, "centred AGOP vs float64 covariance");
    }

    [Test]
    public void PowerAndTraceNormalisationMatchIndependentComputations()
    {
        const int n = 60, d = 5;
        using var scope = torch.NewDisposeScope();
        using var net = Nets.TwoLayer(d, 16, seed: 4, outputs: 2);
        var x = Gaussian(new long[] { n, d }, seed: 5);
        var g = Agop.Compute(net, x);
        var root = Agop.Compute(net, x, new AgopOptions { Power = 0.5 });
        TensorAssert.AllClose(torch.mm(root, root), g, 1e-6, 1e-9, "(G^½)² = G");
        Assert.That(torch.linalg.eigvalsh(root).min().ToDouble(), Is.GreaterThanOrEqualTo(-1e-9), "G^½ is PSD");
        var normalised = Agop.Compute(net, x, new AgopOptions { NormalizeTrace = true });
        TensorAssert.AllClose(normalised, g / g.trace(), 1e-9, 1e-12, "G / tr G");
        var both = Agop.Compute(net, x, new AgopOptions { Power = 0.5, NormalizeTrace = true });
        TensorAssert.AllClose(both, root / root.trace(), 1e-9, 1e-12, "power first, then trace normalisation");
        var perOutput = Agop.Compute(net, x, new AgopOptions { PerOutput = true, NormalizeTrace = true });
        TensorAssert.AllClose(perOutput.diagonal(0, 1, 2).sum(1), torch.ones(2, dtype: ScalarType.Float64), 0, 1e-12, "each output's trace is 1");
    }

    [Test]
    public void ImageShapedInputsGiveTheAgopOverAll3072Pixels()
    {
        const int n = 5;
        using var scope = torch.NewDisposeScope();
        using var net = new TinyImageNet(seed: 1);
        var images = Gaussian(new long[] { n, 3, 32, 32 }, seed: 7);
        var g = Agop.Compute(net, images, new AgopOptions { BatchSize = 2 });
        Assert.That(g.shape, Is.EqualTo(new long[] { 3072, 3072 }));
        var flat = Agop.Compute(net, images.reshape(n, 3072), new AgopOptions { BatchSize = 5 });
        var grads = PerSampleGradients(net, images.reshape(n, 3072));
        var expected = torch.einsum("nci,ncj->ij", grads, grads) / n; // a mean of outer products: symmetric PSD
        // Max-norm checks: one pass over the 9.4 million entries instead of AllClose's several.
        double scale = expected.abs().max().ToDouble();
        Assert.That((g - expected).abs().max().ToDouble(), Is.LessThan(1e-5 * scale), "image AGOP vs per-sample gradients");
        Assert.That((g - flat).abs().max().ToDouble(), Is.LessThan(1e-5 * scale), "image-shaped vs flat inputs");
    }

    [Test]
    public void TrainingModeAndParameterGradientsAreLeftAlone()
    {
        using var scope = torch.NewDisposeScope();
        using var net = Nets.TwoLayer(4, 8, seed: 1);
        var x = Gaussian(new long[] { 10, 4 }, seed: 1);
        net.train();
        Agop.Compute(net, x);
        Assert.That(net.training, Is.True, "training mode restored");
        Assert.That(net.parameters().All(p => p.grad is null), Is.True, "no parameter gradient was accumulated");
        net.eval();
        Agop.Compute(net, x);
        Assert.That(net.training, Is.False, "eval mode restored");
        using (torch.no_grad())
            Assert.DoesNotThrow(() => Agop.Compute(net, x), "works inside no_grad (it enables gradients itself)");
    }

    [Test]
    public void BadInputsFailWithClearErrors()
    {
        using var scope = torch.NewDisposeScope();
        using var net = Nets.TwoLayer(4, 8, seed: 1);
        var x = Gaussian(new long[] { 10, 4 }, seed: 1);
        var ex = Assert.Throws<ArgumentException>(() => Agop.Compute(net, Gaussian(new long[] { 10, 5 }, seed: 1)));
        Assert.That(ex!.Message, Does.Contain("expects 4 input features").And.Contain("have 5"));
        ex = Assert.Throws<ArgumentException>(() => Agop.Compute(net, torch.ones(10, 4, dtype: ScalarType.Int64)));
        Assert.That(ex!.Message, Does.Contain("floating-point"));
        ex = Assert.Throws<ArgumentException>(() => Agop.Compute(net, torch.ones(4)));
        Assert.That(ex!.Message, Does.Contain("[n, ...]"));
        ex = Assert.Throws<ArgumentException>(() => Agop.Compute(net, torch.zeros(0, 4)));
        Assert.That(ex!.Message, Does.Contain("at least one sample"));
        ex = Assert.Throws<ArgumentException>(() => Agop.Compute(net, x, new AgopOptions { BatchSize = 0 }));
        Assert.That(ex!.Message, Does.Contain("BatchSize"));
        ex = Assert.Throws<ArgumentException>(() => Agop.Compute(net, x, new AgopOptions { Power = -0.5 }));
        Assert.That(ex!.Message, Does.Contain("Power"));
        using var data = new TensorDataset(Gaussian(new long[] { 6, 3 }, seed: 1), torch.zeros(6, 1), "tiny-set");
        ex = Assert.Throws<ArgumentException>(() => Agop.Compute(net, data));
        Assert.That(ex!.Message, Does.Contain("tiny-set"));

        // A function cut off from its input must fail in managed code, not abort inside the native grad.
        var ioe = Assert.Throws<InvalidOperationException>(() => Agop.Compute(v => v.detach().sum(1, keepdim: true), 4, 1, x));
        Assert.That(ioe!.Message, Does.Contain("does not depend differentiably"));
        ioe = Assert.Throws<InvalidOperationException>(() => Agop.Compute(v => v, 4, 1, x));
        Assert.That(ioe!.Message, Does.Contain("expected [10, 1]"));
        var nan = x.clone();
        nan[3, 2] = float.NaN;
        ex = Assert.Throws<ArgumentException>(() => Agop.Compute(net, nan, new AgopOptions { BatchSize = 2 }));
        Assert.That(ex!.Message, Does.Contain("Row 3"));
        // Gradients that overflow (a diverging model) are reported, not returned as inf or NaN.
        Assert.Throws<NonFiniteAgopException>(() => Agop.Compute(v => (v * 1e30f).square().sum(1, keepdim: true), 4, 1, x));
        Assert.Throws<InvalidOperationException>(() => Agop.Compute(v => v.sum(1, keepdim: true) * 0, 4, 1, x, new AgopOptions { NormalizeTrace = true }),
            "a zero AGOP cannot be trace-normalised");
        // A d × d matrix far past the memory is refused before it is allocated, not left to libtorch's allocator
        // (60,000 features: 43 GB of sums; found by the review of 5 Dec 2026).
        var wide = torch.ones(2, 60_000);
        ex = Assert.Throws<ArgumentException>(() => Agop.Compute(v => v.sum(1, keepdim: true), 60_000, 1, wide));
        Assert.That(ex!.Message, Does.StartWith("The AGOP of 60,000 input features (its 60,000 × 60,000 matrix) needs about").And.Contain("more than the"));
    }

    [Test]
    public void AFunctionWithNoInputsOrNoOutputsIsRefusedByTheArgumentThatSaysSo()
    {
        using var scope = torch.NewDisposeScope();
        var x = Gaussian(new long[] { 5, 3 }, seed: 1);
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => Agop.Compute(v => v.sum(1, keepdim: true), 0, 1, x));
        Assert.That(ex!.ParamName, Is.EqualTo("inputDimension"));
        ex = Assert.Throws<ArgumentOutOfRangeException>(() => Agop.Compute(v => v.sum(1, keepdim: true), 0, 1, torch.ones(5, 0)));
        Assert.That(ex!.ParamName, Is.EqualTo("inputDimension"), "an empty row matches d = 0 but is still no input");
        ex = Assert.Throws<ArgumentOutOfRangeException>(() => Agop.Compute(v => v.sum(1, keepdim: true), 3, 0, x));
        Assert.That(ex!.ParamName, Is.EqualTo("outputCount"));
    }

    [Test]
    public void Float64FeaturesAreTakenInTheModelsOwnPrecision()
    {
        const int d = 5;
        using var scope = torch.NewDisposeScope();
        using var net = Nets.Linear(d, bias: true, seed: 3);
        var layer = net.Layers[0];
        var w = layer.Weight.detach().to_type(ScalarType.Float64).reshape(d, 1) * layer.WeightScale;
        var x = Gaussian(new long[] { 12, d }, seed: 4).to_type(ScalarType.Float64);
        var g = Agop.Compute(net, x, new AgopOptions { BatchSize = 5 });
        TensorAssert.AllClose(g, torch.mm(w, w.t()), 1e-5, 1e-8, "AGOP of wᵀx over float64 rows vs wwᵀ");
    }

    [Test]
    public void RepeatedAgopsLeakNoTensors()
    {
        using var net = Nets.TwoLayer(6, 16, seed: 1, outputs: 2);
        using var x = Gaussian(new long[] { 40, 6 }, seed: 2);
        void Run()
        {
            foreach (var o in new[] { new AgopOptions { BatchSize = 9 }, new AgopOptions { BatchSize = 9, PerOutput = true, Center = true, Power = 0.5, NormalizeTrace = true } })
            {
                using var g = Agop.Compute(net, x, o);
                using var r = ReferenceAgop.FromTarget(SyntheticTask.Rank2(6), x);
            }
            using var closed = ReferenceAgop.Rank4(6);
            try { Agop.Compute(v => v.detach().sum(1, keepdim: true), 6, 1, x); } catch (InvalidOperationException) { }
        }
        TensorAssert.NoLeak(Run, () => { for (int i = 0; i < 5; i++) Run(); }, "AGOPs");
    }

    /// <summary>A small image model: [n, 3, 32, 32] (or flat [n, 3072]) → conv 4×4 stride 4 → tanh → linear → 2 outputs.</summary>
    private sealed class TinyImageNet : NetworkModule
    {
        private readonly Conv2d conv;
        private readonly Linear readout;

        public TinyImageNet(long seed) : base(nameof(TinyImageNet))
        {
            conv = nn.Conv2d(3, 4, 4, stride: 4);
            readout = nn.Linear(4 * 8 * 8, 2);
            RegisterComponents();
            using var g = Seeding.TorchGenerator(seed, Seeding.Stream.Initialization);
            using var noGrad = torch.no_grad();
            foreach (var p in parameters()) p.copy_(torch.randn(p.shape, generator: g) * 0.2);
        }

        public override long[] InputShape => new long[] { 3, 32, 32 };
        public override int OutputCount => 2;
        public override string Describe() => "tiny conv net";

        public override Tensor forward(Tensor input)
        {
            using var scope = torch.NewDisposeScope();
            var h = torch.tanh(conv.forward(ReshapeInput(input)));
            return readout.forward(h.flatten(1)).MoveToOuterDisposeScope();
        }
    }
}
