using Catapults.ML.Models;
using Catapults.ML.Tests.Support;
using Catapults.ML.Training;
using TorchSharp;
using static TorchSharp.torch;
using static Catapults.ML.Tests.Models.ArchitectureTestKit;

namespace Catapults.ML.Tests.Models;

/// <summary>What every image architecture must satisfy for training, NTK, AGOP and diagnostics to work unchanged.</summary>
[OneTorchThread]
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
        double initial = Trainer.EvaluateLoss(net, data, LossKind.MeanSquaredError);
        var result = Trainer.Train(net, data, new TrainingOptions { LearningRate = lr, BatchSize = 16, MaxSteps = 200, ShuffleSeed = 1 });
        double final = Trainer.EvaluateLoss(net, data, LossKind.MeanSquaredError);
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
}
