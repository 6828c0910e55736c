using Catapults.ML.Features;
using Catapults.ML.Models;
using Catapults.ML.Runtime;
using Catapults.ML.Spectra;
using Catapults.ML.Tests.Support;
using Catapults.ML.Training;
using TorchSharp;
using static TorchSharp.torch;
using static Catapults.ML.Tests.Models.ArchitectureTestKit;
using Catapults.ML.Probes;

namespace Catapults.ML.Tests.Models;

/// <summary>What every image architecture must satisfy for training, NTK, AGOP and diagnostics to work unchanged.</summary>
[TestFixture(ArchitectureKind.Convolutional)]
[TestFixture(ArchitectureKind.WideResNet)]
[TestFixture(ArchitectureKind.VisionTransformer)]
public class ArchitectureContractTests
{
    private readonly ArchitectureKind kind;

    public ArchitectureContractTests(ArchitectureKind kind) => this.kind = kind;

    [Test]
    public void OutputShapeIsSamplesByOutputsForFlatAndImageInputs()
    {
        using var net = Tiny(kind, outputs: 3);
        using var images = Images(5, seed: 1);
        using var flat = images.reshape(5, 3 * 16 * 16);
        using var fromImages = net.forward(images);
        using var fromFlat = net.forward(flat);
        Assert.That(fromImages.shape, Is.EqualTo(new long[] { 5, 3 }));
        Assert.That(net.InputShape, Is.EqualTo(new long[] { 3, 16, 16 }));
        Assert.That(net.InputDimension, Is.EqualTo(768));
        Assert.That(net.OutputCount, Is.EqualTo(3));
        // A flat row is the image in channel-major order (CIFAR's layout), so both forms give the same outputs.
        TensorAssert.AllClose(fromFlat, fromImages, 0, 0, "flat vs image input");
        Assert.That(net.Describe(), Is.Not.Empty);
    }

    // Only flat rows and images of the network's own shape are inputs: a batch of as many values in another layout
    // (a transposed or re-tiled image) is refused naming both accepted forms, not flattened and read as something else.
    [TestCase(48L, 16L)]
    [TestCase(3L, 8L, 32L)]
    public void AnInputOfTheRightSizeInAnotherLayoutIsRefused(params long[] sample)
    {
        using var net = Tiny(kind, outputs: 3);
        using var x = torch.zeros(new long[] { 2 }.Concat(sample).ToArray());
        var ex = Assert.Throws<ArgumentException>(() => net.forward(x).Dispose());
        Assert.That(ex!.Message, Is.EqualTo($"{net.GetType().Name} expects input of shape [n, 768] or [n, 3, 16, 16], got [2, {string.Join(", ", sample)}]. (Parameter 'x')"));
    }

    [Test]
    public void SameSeedSameWeightsAndOutputsDifferentSeedDifferentWeights()
    {
        using var a = Tiny(kind, seed: 5);
        using var b = Tiny(kind, seed: 5);
        using var c = Tiny(kind, seed: 6);
        var pa = a.TrainableParameters();
        var pb = b.TrainableParameters();
        var pc = c.TrainableParameters();
        Assert.That(pb.Select(p => p.Name), Is.EqualTo(pa.Select(p => p.Name)));
        for (int i = 0; i < pa.Count; i++)
            Assert.That(pa[i].Parameter.equal(pb[i].Parameter).all().ToBoolean(), Is.True, pa[i].Name);
        Assert.That(pa[0].Parameter.equal(pc[0].Parameter).all().ToBoolean(), Is.False, "a different seed must give different weights");
        using var x = Images(3, seed: 2);
        TensorAssert.AllClose(a.forward(x), b.forward(x), 0, 0, "same seed, same outputs");
    }

    [Test]
    public void ParameterNamesAreUniqueAndEveryParameterIsTrainable()
    {
        using var net = Tiny(kind);
        var names = net.TrainableParameters().Select(p => p.Name).ToList();
        Assert.That(names, Is.Unique);
        Assert.That(names, Has.Some.StartsWith("readout."));
        Assert.That(net.TrainableParameterCount(), Is.EqualTo(net.parameters().Sum(p => p.numel())));
    }

    [Test]
    public void OutputMultiplierScalesTheOutput()
    {
        using var one = Tiny(kind, seed: 1);
        using var scaled = Tiny(kind, seed: 1, outputMultiplier: 0.125);
        using var x = Images(4, seed: 3);
        using var expected = one.forward(x) * 0.125;
        TensorAssert.AllClose(scaled.forward(x), expected, 1e-6, 1e-7, "output multiplier");
    }

    [Test]
    public void JacobianRowOfASampleDoesNotDependOnTheOtherSamples()
    {
        using var net = Tiny(kind, seed: 2);
        net.train();
        const int i = 1;
        using var x = Images(4, seed: 4);
        using var other = ReplaceOthers(x, i, seed: 5);
        using var rows = JacobianRows(net, x, i);
        using var rowsOther = JacobianRows(net, other, i);
        Assert.That(rows.abs().max().ToDouble(), Is.GreaterThan(0));
        TensorAssert.AllClose(rowsOther, rows, 1e-4, 1e-6, "∂f(x_i)/∂θ with the other samples replaced");
        // The same Jacobian from a batch holding x_i alone.
        using var alone = x[TensorIndex.Slice(i, i + 1)];
        using var rowsAlone = JacobianRows(net, alone, 0);
        TensorAssert.AllClose(rowsAlone, rows, 1e-4, 1e-6, "∂f(x_i)/∂θ in a batch of one");
    }

    [Test]
    public void InputGradientOfASampleIsZeroOnTheOtherSamples()
    {
        using var net = Tiny(kind, seed: 3);
        net.train();
        using var x = Images(4, seed: 6);
        using var g = InputGradientOfSample(net, x, 2);
        Assert.That(g.shape, Is.EqualTo(new long[] { 4, 768 }));
        Assert.That(g[2].abs().max().ToDouble(), Is.GreaterThan(0), "∇ₓ f(x_i) at row i");
        using var others = torch.cat(new[] { g[TensorIndex.Slice(0, 2)], g[TensorIndex.Slice(3, 4)] });
        Assert.That(others.abs().max().ToDouble(), Is.EqualTo(0), "∇ at rows j ≠ i");
    }

    [Test]
    public void JacobianIsFiniteAndMatchesCentralFiniteDifferences()
    {
        // float64 and a smooth activation so that the finite differences are accurate to ~1e-9.
        using var net = Tiny(kind, seed: 4, activation: kind == ArchitectureKind.VisionTransformer ? ActivationKind.Gelu : ActivationKind.Tanh);
        net.to(ScalarType.Float64);
        using var x = Images(3, seed: 7).to_type(ScalarType.Float64);
        var direction = RandomDirection(net, seed: 8);
        try
        {
            for (int i = 0; i < 3; i++)
            {
                using var rows = JacobianRows(net, x, i);
                Assert.That(rows.dtype, Is.EqualTo(ScalarType.Float64));
                Assert.That(rows.isfinite().all().ToBoolean(), Is.True, $"Jacobian of sample {i} is finite");
                Assert.That(rows.shape, Is.EqualTo(new long[] { 2, net.TrainableParameterCount() }));
                using var u = torch.cat(direction.Select(t => t.flatten()).ToArray());
                using var directional = torch.mv(rows, u);
                const double h = 1e-5;
                using var plus = OutputAtShift(net, x, direction, h);
                using var minus = OutputAtShift(net, x, direction, -h);
                using var fd = (plus[i] - minus[i]) / (2 * h);
                TensorAssert.AllClose(directional, fd, 1e-5, 1e-8, $"J_{i}·u vs central difference");
            }
        }
        finally
        {
            foreach (var t in direction) t.Dispose();
        }
    }

    [Test]
    public void ExplicitNtkOfATinyBatchIsSymmetricPositiveSemidefinite()
    {
        using var net = Tiny(kind, seed: 5);
        using var x = Images(3, seed: 9);
        using var scope = torch.NewDisposeScope();
        var jacobian = torch.cat(Enumerable.Range(0, 3).Select(i => JacobianRows(net, x, i)).ToArray()).to_type(ScalarType.Float64);
        Assert.That(jacobian.shape, Is.EqualTo(new long[] { 6, net.TrainableParameterCount() }));
        var k = torch.mm(jacobian, jacobian.t());
        var eigenvalues = torch.linalg.eigvalsh(k);
        double top = eigenvalues.max().ToDouble();
        Assert.That(top, Is.GreaterThan(0));
        Assert.That(eigenvalues.min().ToDouble(), Is.GreaterThan(-1e-10 * top), "K = J Jᵀ is PSD");
        // The trace of K is the sum of the squared Jacobian entries, computed independently of the product.
        Assert.That(k.trace().ToDouble(), Is.EqualTo(jacobian.square().sum().ToDouble()).Within(1e-9 * top));
    }

    [Test]
    public void SgdOnACifarShapedFixtureLowersTheLoss()
    {
        // Standard parameterisation, tiny widths, batch 16 of 64 samples, 200 steps. The Wide ResNet and the ViT see
        // 16×16 images to keep the suite fast; the NTK-parameterised CNN has its own test (ConvolutionalNetworkTests).
        int side = kind == ArchitectureKind.Convolutional ? 32 : 16;
        double lr = kind == ArchitectureKind.VisionTransformer ? 0.03 : 0.05;
        using var data = CifarShaped(64, 2, seed: 10, height: side, width: side);
        using var net = Tiny(kind, seed: 1, height: side, width: side, parameterization: Parameterization.Standard);
        double initial = Losses.Evaluate(net, data, LossKind.MeanSquaredError);
        var result = Trainer.Train(net, data, new TrainingOptions { LearningRate = lr, BatchSize = 16, MaxSteps = 200, ShuffleSeed = 1 });
        double final = Losses.Evaluate(net, data, LossKind.MeanSquaredError);
        TestContext.Out.WriteLine($"{kind}: loss {initial:G4} → {final:G4} in {result.Steps} steps, {result.WallTime.TotalSeconds:F1} s");
        Assert.That(result.Outcome, Is.EqualTo(TrainingOutcome.BudgetReached));
        Assert.That(final, Is.LessThan(0.5 * initial), $"initial {initial}");
    }

    [Test]
    public void ForwardBackwardAndTrainingLeakNoTensors()
    {
        using var net = Tiny(kind, seed: 6);
        using var data = CifarShaped(8, 2, seed: 11, height: 16, width: 16);
        var options = new TrainingOptions { LearningRate = 0.01, BatchSize = 4, MaxSteps = 2 };
        void Step()
        {
            using var scope = torch.NewDisposeScope();
            net.zero_grad();
            var loss = Losses.Compute(LossKind.MeanSquaredError, net.forward(data.Features), data.Targets);
            loss.backward();
            using (torch.no_grad()) net.forward(data.Features);
            using var rows = JacobianRows(net, data.Features, 0);
            using var inputGradient = InputGradientOfSample(net, data.Features, 1);
        }
        TensorAssert.NoLeak(
            () => { Step(); Trainer.Train(net, data, options); },
            () => { Step(); Step(); Trainer.Train(net, data, options); },
            $"{kind} forward, backward, Jacobian rows and training");
    }

    [Test]
    public void MatrixFreeNtkProductEqualsTheExplicitJacobianProduct()
    {
        // float64 so that the two paths (a VJP then a double-backward JVP, against one backward per output row) agree to
        // rounding; the float32 comparison below checks the engine's working precision with a looser tolerance.
        using var net = Tiny(kind, seed: 7);
        using var x = Images(4, seed: 12);
        using var scope = torch.NewDisposeScope();
        var jacobian = ExplicitJacobian.Compute(net, x);
        Assert.That(jacobian.shape, Is.EqualTo(new long[] { 4 * 2, net.TrainableParameterCount() }));
        // The explicit Jacobian itself, row by row, against autograd on the whole batch (the test kit's rows).
        var rows = torch.cat(Enumerable.Range(0, 4).Select(i => JacobianRows(net, x, i)).ToArray());
        TensorAssert.AllClose(jacobian, rows, 1e-4, 1e-6, "ExplicitJacobian vs per-sample autograd rows");

        using var g = Seeding.TorchGenerator(13, Seeding.Stream.Diagnostics);
        var vectors = torch.randn(new long[] { 8, 3 }, ScalarType.Float64, generator: g);
        var j64 = jacobian.to_type(ScalarType.Float64);
        var expected = torch.mm(j64, torch.mm(j64.t(), vectors));
        using var op = NeuralTangentKernel.CreateOperator(net, x, new NtkOptions { Method = NtkMethod.MatrixFree });
        Assert.That(op.Method, Is.EqualTo(NtkMethod.MatrixFree));
        Assert.That(op.Dimension, Is.EqualTo(8));
        var block = op.Apply(vectors);
        double scale = expected.abs().max().ToDouble();
        Assert.That(scale, Is.GreaterThan(0));
        TensorAssert.AllClose(block, expected, 1e-4, 1e-5 * scale, "matrix-free K·V vs J(JᵀV), float32 model");
        var single = op.Apply(vectors[.., 1].contiguous());
        TensorAssert.AllClose(single, expected[.., 1], 1e-4, 1e-5 * scale, "matrix-free K·v, one vector");

        net.to(ScalarType.Float64);
        var x64 = x.to_type(ScalarType.Float64);
        var jacobian64 = ExplicitJacobian.Compute(net, x64);
        var expected64 = torch.mm(jacobian64, torch.mm(jacobian64.t(), vectors));
        using var op64 = new MatrixFreeNtkOperator(net, x64);
        TensorAssert.AllClose(op64.Apply(vectors), expected64, 1e-10, 1e-12 * expected64.abs().max().ToDouble(), "matrix-free K·V vs J(JᵀV), float64 model");
    }

    [Test]
    public void AgopWithRespectToPixelsIsDByDSymmetricPositiveSemidefiniteAndMatchesPerSampleGradients()
    {
        const int n = 6;
        using var net = Tiny(kind, seed: 8);
        using var x = Images(n, seed: 14);
        using var scope = torch.NewDisposeScope();
        // Batches of 4 so that the streamed accumulation crosses a batch boundary.
        var g = Agop.Compute(net, x, new AgopOptions { BatchSize = 4 });
        Assert.That(g.shape, Is.EqualTo(new long[] { 768, 768 }), "d × d with d = 3·16·16 pixels");
        Assert.That(g.dtype, Is.EqualTo(ScalarType.Float64));
        Assert.That(g.isfinite().all().ToBoolean(), Is.True);
        Assert.That((g - g.t()).abs().max().ToDouble(), Is.LessThanOrEqualTo(1e-12 * g.abs().max().ToDouble()), "symmetric");
        var eigenvalues = torch.linalg.eigvalsh(g);
        double largest = eigenvalues.max().ToDouble();
        Assert.That(largest, Is.GreaterThan(0));
        Assert.That(eigenvalues.min().ToDouble(), Is.GreaterThanOrEqualTo(-1e-6 * largest), "positive semidefinite");
        // Rank at most n·O: the gradients span the range.
        Assert.That(eigenvalues.gt(1e-6 * largest).sum().ToInt64(), Is.LessThanOrEqualTo(n * 2));

        // Independent: G = 1/n Σᵢ Σ_c ∇ₓf_c(xᵢ) ∇ₓf_c(xᵢ)ᵀ from one autograd call per sample and output, each on xᵢ alone.
        var reference = torch.zeros(new long[] { 768, 768 }, ScalarType.Float64);
        for (int i = 0; i < n; i++)
        {
            var xi = x[TensorIndex.Slice(i, i + 1)].reshape(1, 768).detach().clone().requires_grad_();
            var y = net.forward(xi);
            for (int c = 0; c < 2; c++)
            {
                var grad = torch.autograd.grad(new[] { y[0, c] }, new[] { xi }, retain_graph: c == 0)[0].reshape(768, 1).to_type(ScalarType.Float64);
                reference.add_(torch.mm(grad, grad.t()));
            }
        }
        reference.div_(n);
        TensorAssert.AllClose(g, reference, 1e-4, 1e-6 * reference.abs().max().ToDouble(), "AGOP vs per-sample input gradients");
    }

    [Test]
    public void CriticalLearningRateOfABatchIsTheBatchSizeOverTheTopKernelEigenvalue()
    {
        const int b = 5;
        using var net = Tiny(kind, seed: 9);
        using var x = Images(b, seed: 15);
        using var scope = torch.NewDisposeScope();
        // Independent: the dense kernel from the test kit's per-sample rows, diagonalised directly.
        var rows = torch.cat(Enumerable.Range(0, b).Select(i => JacobianRows(net, x, i)).ToArray()).to_type(ScalarType.Float64);
        double top = torch.linalg.eigvalsh(torch.mm(rows, rows.t())).max().ToDouble();
        foreach (var method in new[] { NtkMethod.Auto, NtkMethod.MatrixFree })
        {
            var rate = CriticalLearningRate.Compute(net, x, LossKind.MeanSquaredError,
                new CriticalLearningRateOptions { Ntk = new NtkOptions { Method = method } });
            Assert.That(rate.BatchSize, Is.EqualTo(b));
            Assert.That(rate.Sharpness, Is.EqualTo(top).Within(1e-4 * top), $"λ_max(K_b), {method} → {rate.Method}");
            Assert.That(rate.Value, Is.EqualTo(b / top).Within(1e-4 * b / top), $"η_crit = b/λ_max, {method}");
            Assert.That(rate.Converged, Is.True, method.ToString());
        }
    }

    [Test]
    public void DiagnosticsProbeRecordsFiniteSpectraAndCriticalRatesWithoutChangingTrainingOrLeaking()
    {
        // 8 samples, batch 4, 6 steps: the probe set is the training set (8 ≤ ProbeSize), in order.
        using var data = CifarShaped(8, 2, seed: 16, height: 16, width: 16);
        var options = new TrainingOptions { LearningRate = 0.02, BatchSize = 4, MaxSteps = 6, ShuffleSeed = 2 };
        var diagnosticsOptions = new DiagnosticsOptions { EigenvalueCount = 3, Every = 2, CriticalRate = CriticalRateCadence.EveryStep };

        List<double> plainLosses;
        using (var net = Tiny(kind, seed: 10))
        {
            var recorder = new RecordingObserver();
            Trainer.Train(net, data, options, new[] { recorder });
            plainLosses = recorder.Records.Select(r => r.BatchLoss).ToList();
        }

        using var model = Tiny(kind, seed: 10);
        double[] initialSpectrum;
        using (var kernel = ExplicitJacobian.Kernel(model, data.Features))
        using (var values = torch.linalg.eigvalsh(kernel.to_type(ScalarType.Float64)).flip(0))
            initialSpectrum = values.data<double>().Take(3).ToArray();
        var observer = new DiagnosticsProbe(diagnosticsOptions);
        var observed = new RecordingObserver();
        try
        {
            var result = Trainer.Train(model, data, options, new ITrainingObserver[] { observer, observed });
            Assert.That(result.Outcome, Is.EqualTo(TrainingOutcome.BudgetReached));
            Assert.That(observed.Records.Select(r => r.BatchLoss), Is.EqualTo(plainLosses), "the observer does not change training");

            Assert.That(observer.Records.Select(r => r.Step), Is.EqualTo(new[] { 0, 2, 4, 6 }));
            foreach (var record in observer.Records)
            {
                Assert.That(record.Eigenvalues, Has.Count.EqualTo(3), $"step {record.Step}");
                Assert.That(record.Eigenvalues.All(v => double.IsFinite(v) && v > 0), Is.True, $"finite positive λ at step {record.Step}");
                Assert.That(record.Eigenvalues, Is.Ordered.Descending, $"step {record.Step}");
                Assert.That(record.FullTrainingLoss is double l && double.IsFinite(l), Is.True, $"full loss at step {record.Step}");
                Assert.That(record.ProjectedLosses, Has.Count.EqualTo(3));
            }
            Assert.That(observer.Records[0].Eigenvalues, Is.EqualTo(initialSpectrum).Within(1e-3 * initialSpectrum[0]), "λ at w₀ vs the explicit kernel");
            Assert.That(observer.CriticalRates, Has.Count.EqualTo(6));
            Assert.That(observer.CriticalRates.All(r => double.IsFinite(r.Value) && r.Value > 0 && r.BatchSize == 4), Is.True, "finite η_crit every step");
            Assert.That(observer.Records.Where(r => !r.IsFinal).All(r => r.CriticalLearningRate is double v && double.IsFinite(v)), Is.True);
            Assert.That(observer.ToDataFrame().Rows.Count, Is.EqualTo(4));
        }
        finally
        {
            observer.Dispose();
        }

        // The same run once more, now counting live tensors (after a warm-up that allocates the observer's caches).
        void Observed()
        {
            using var o = new DiagnosticsProbe(diagnosticsOptions);
            Trainer.Train(model, data, new TrainingOptions { LearningRate = 0.02, BatchSize = 4, MaxSteps = 2, ShuffleSeed = 2 }, new[] { o });
            _ = CriticalLearningRate.Compute(model, data.Features, LossKind.MeanSquaredError, new CriticalLearningRateOptions { Ntk = new NtkOptions { Method = NtkMethod.MatrixFree } });
            using (var op = NeuralTangentKernel.CreateOperator(model, data.Features, new NtkOptions { Method = NtkMethod.MatrixFree }))
            using (var v = torch.ones(op.Dimension))
            using (op.Apply(v)) { }
            using (Agop.Compute(model, data.Features)) { }
        }
        TensorAssert.NoLeak(Observed, Observed, $"{kind}: diagnostics observer, critical rate, matrix-free NTK and AGOP");
    }
}
