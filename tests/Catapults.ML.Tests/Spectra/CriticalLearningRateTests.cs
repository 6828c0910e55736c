using Catapults.ML.Models;
using Catapults.ML.Spectra;
using Catapults.ML.Tests.Support;
using Catapults.ML.Training;
using TorchSharp;
using static TorchSharp.torch;
using static Catapults.ML.Tests.Spectra.SpectraTestSupport;

namespace Catapults.ML.Tests.Spectra;

public class CriticalLearningRateTests
{
    [Test]
    public void LinearModelRateIsBatchSizeOverTopEigenvalue()
    {
        using var scope = torch.NewDisposeScope();
        using var data = RandomRegression(24, 7, seed: 1);
        using var net = StandardLinear(7, seed: 2);
        var (values, _) = EighDescending(LinearKernel(data.Features));
        var result = CriticalLearningRate.Compute(net, data.Features);
        Assert.That(result.Value, Is.EqualTo(24 / values[0]).Within(1e-5 * 24 / values[0]));
        Assert.That(result.Sharpness, Is.EqualTo(values[0]).Within(1e-5 * values[0]));
        Assert.That(result.BatchSize, Is.EqualTo(24));
        Assert.That(result.Converged, Is.True);
        Assert.That(CriticalLearningRate.FromKernelEigenvalue(values[0], 24), Is.EqualTo(24 / values[0]));
        Assert.Throws<ArgumentOutOfRangeException>(() => CriticalLearningRate.FromKernelEigenvalue(double.PositiveInfinity, 24), "an infinite λ_max gives no rate, not 0");
    }

    [Test]
    public void AKernelThatVanishesOnTheBatchGivesAnInfiniteRateNotAnError()
    {
        // A linear model without bias on all-zero inputs has J = 0, so K = X·Xᵀ = 0: no rate destabilises it.
        using var scope = torch.NewDisposeScope();
        using var net = new FullyConnectedNetwork(new FullyConnectedOptions
            { InputDimension = 4, HiddenWidths = Array.Empty<int>(), Parameterization = Parameterization.Standard, UseBias = false, Seed = 1 });
        var result = CriticalLearningRate.Compute(net, torch.zeros(6, 4));
        Assert.That(result.Sharpness, Is.EqualTo(0.0).Within(1e-12));
        Assert.That(result.Value, Is.EqualTo(double.PositiveInfinity));
        Assert.That(result.BatchSize, Is.EqualTo(6));
    }

    [Test]
    public void GradientDescentJustBelowTheCriticalRateConvergesMonotonicallyAndJustAboveDiverges()
    {
        using var data = RandomRegression(32, 10, seed: 3);
        double critical;
        using (var probe = StandardLinear(10, seed: 4)) critical = CriticalLearningRate.Compute(probe, data.Features).Value;

        using (var net = StandardLinear(10, seed: 4))
        {
            var rec = new RecordingObserver();
            var result = Trainer.Train(net, data, new TrainingOptions { LearningRate = 0.95 * critical, MaxSteps = 400 }, new[] { rec });
            Assert.That(result.Outcome, Is.EqualTo(TrainingOutcome.BudgetReached));
            var losses = rec.Records.Select(r => r.BatchLoss).ToArray();
            for (int t = 1; t < losses.Length; t++)
                Assert.That(losses[t], Is.LessThanOrEqualTo(losses[t - 1] * (1 + 1e-5) + 1e-7), $"loss rose at step {t}");
            // Converged: the gradient of the least-squares fit is ~0, so further steps change nothing.
            Assert.That(losses[^1], Is.EqualTo(losses[^2]).Within(1e-5 * losses[^2] + 1e-7));
            Assert.That(losses[^1], Is.LessThan(0.9 * losses[0]));
        }
        using (var net = StandardLinear(10, seed: 4))
        {
            var rec = new RecordingObserver();
            var result = Trainer.Train(net, data, new TrainingOptions { LearningRate = 1.05 * critical, MaxSteps = 400 }, new[] { rec });
            Assert.That(result.Outcome, Is.EqualTo(TrainingOutcome.Diverged), "1.05·η_crit diverges");
            Assert.That(rec.Records[^1].BatchLoss, Is.GreaterThan(1e6 * rec.Records[0].BatchLoss));
        }
    }

    [Test]
    public void GdResidualComponentsEvolveAsPowersOfOneMinusTwoEtaLambdaOverN()
    {
        const int n = 20, d = 8, steps = 6;
        using var scope = torch.NewDisposeScope();
        using var data = RandomRegression(n, d, seed: 5);
        using var net = StandardLinear(d, seed: 6);
        var (lambda, u) = EighDescending(LinearKernel(data.Features));
        double eta = 0.8 * n / lambda[0]; // the top mode's factor is negative: −0.6
        Tensor Residual()
        {
            using var noGrad = torch.no_grad();
            return Float64(net.forward(data.Features) - data.Targets).reshape(-1);
        }
        var before = torch.mv(u.t(), Residual());
        Trainer.Train(net, data, new TrainingOptions { LearningRate = eta, MaxSteps = steps });
        var after = torch.mv(u.t(), Residual());
        var start = before.data<double>().ToArray();
        var end = after.data<double>().ToArray();
        // K has rank d + 1 = 9: the first 9 modes contract, the others (λ = 0) stay put.
        for (int i = 0; i < n; i++)
        {
            double factor = lambda[i] > 1e-8 * lambda[0] ? Math.Pow(1 - 2 * eta * lambda[i] / n, steps) : 1.0;
            Assert.That(end[i], Is.EqualTo(factor * start[i]).Within(2e-4 * (Math.Abs(start[i]) + 1e-2)),
                $"mode {i}: λ = {lambda[i]:G4}, factor {factor:G4}");
        }
        Assert.That(Math.Pow(1 - 2 * eta * lambda[0] / n, steps), Is.GreaterThan(0.01), "the test would not see the top mode otherwise");
    }

    [Test]
    public void CrossEntropyRateIsTwoOverTheGaussNewtonSharpness()
    {
        // Independent: G = Jᵀ H_F J with H_F the Hessian of the mean cross-entropy in the logits (by autograd),
        // η_crit = 2 / λ_max(G).
        const int b = 6, classes = 3;
        using var scope = torch.NewDisposeScope();
        using var net = new FullyConnectedNetwork(new FullyConnectedOptions
            { InputDimension = 5, HiddenWidths = new[] { 16 }, OutputCount = classes, Activation = ActivationKind.Tanh, Seed = 3 });
        var x = Inputs(b, 5, seed: 13);
        var labels = torch.tensor(new long[] { 0, 1, 2, 2, 1, 0 });
        var j = Float64(ExplicitJacobian.Compute(net, x));
        var logits = Float64(net.forward(x)).requires_grad_(true);
        var loss = nn.functional.cross_entropy(logits, labels);
        var grad = torch.autograd.grad(new[] { loss }, new[] { logits }, create_graph: true, retain_graph: true)[0].reshape(-1);
        var rows = new Tensor[b * classes];
        for (int i = 0; i < rows.Length; i++)
            rows[i] = torch.autograd.grad(new[] { grad[i] }, new[] { logits }, retain_graph: true)[0].reshape(-1);
        var hessian = torch.stack(rows);
        var gaussNewton = j.t().mm(hessian).mm(j);
        double sharpness = torch.linalg.eigvalsh((gaussNewton + gaussNewton.t()) * 0.5).max().ToDouble();
        var result = CriticalLearningRate.Compute(net, x, LossKind.CrossEntropy);
        Assert.That(result.Value, Is.EqualTo(2 / sharpness).Within(1e-4 * 2 / sharpness));
        Assert.That(result.Loss, Is.EqualTo(LossKind.CrossEntropy));
    }

    [Test]
    public void MatrixFreeRateAgreesWithLayerWise()
    {
        using var scope = torch.NewDisposeScope();
        using var net = Nets.TwoLayer(10, 64, seed: 8, bias: true);
        var x = Inputs(30, 10, seed: 14);
        var dense = CriticalLearningRate.Compute(net, x);
        var free = CriticalLearningRate.Compute(net, x, LossKind.MeanSquaredError,
            new CriticalLearningRateOptions { Ntk = new NtkOptions { Method = NtkMethod.MatrixFree } });
        Assert.That(dense.Method, Is.EqualTo(NtkMethod.LayerWise));
        Assert.That(free.Method, Is.EqualTo(NtkMethod.MatrixFree));
        Assert.That(free.Value, Is.EqualTo(dense.Value).Within(1e-4 * dense.Value));
    }

    [Test]
    public void ProjectedLossesSplitTheLossExactly()
    {
        const int n = 15, outputs = 2;
        using var scope = torch.NewDisposeScope();
        using var data = RandomRegression(n, 6, seed: 9, outputs: outputs);
        using var net = Nets.TwoLayer(6, 32, seed: 10, outputs: outputs);
        using var eig = NeuralTangentKernel.TopEigenpairs(net, data.Features, 4);
        Tensor residual;
        using (torch.no_grad()) residual = net.forward(data.Features) - data.Targets;
        var pl = ProjectedLosses.Compute(residual, eig.Vectors);
        double loss = Losses.Evaluate(net, data, LossKind.MeanSquaredError);
        Assert.That(pl.Loss, Is.EqualTo(loss).Within(1e-5 * loss), "L = 1/n Σᵢ‖rᵢ‖², the engine's MSE");
        var r = Float64(residual).reshape(-1);
        for (int s = 1; s <= 4; s++)
        {
            var us = eig.Vectors.narrow(1, 0, s).cpu();
            var outside = r - us.mm(us.t().mm(r.unsqueeze(1))).squeeze(1);
            double expected = outside.dot(outside).ToDouble() / n;
            Assert.That(pl.Orthogonal[s - 1], Is.EqualTo(expected).Within(1e-9 + 1e-7 * loss), $"PL_{s}⊥ = ‖(I − UUᵀ) r‖²/n");
            Assert.That(pl.Projected[s - 1] + pl.Orthogonal[s - 1], Is.EqualTo(pl.Loss).Within(1e-12 * loss), $"PL_{s} + PL_{s}⊥ = L");
        }
        // With every eigenvector, nothing is left outside.
        var (_, all) = EighDescending(NeuralTangentKernel.Compute(net, data.Features));
        var full = ProjectedLosses.Compute(residual, all);
        Assert.That(full.Orthogonal[^1], Is.EqualTo(0).Within(1e-9 * loss));
        Assert.That(full.Count, Is.EqualTo(n * outputs));
    }

    [Test]
    public void OptionsValidateTheirNestedOptions()
    {
        // A probe could only refuse Lanczos.Tolerance = -1 at its first measurement, mid-training; Validate lets it
        // refuse them when it is built.
        var ex = Assert.Throws<ArgumentException>(new CriticalLearningRateOptions { Lanczos = new LanczosOptions { Tolerance = -1 } }.Validate);
        Assert.That(ex!.ParamName, Is.EqualTo("Tolerance"));
        ex = Assert.Throws<ArgumentException>(new CriticalLearningRateOptions { Ntk = new NtkOptions { ChunkSize = 0 } }.Validate);
        Assert.That(ex!.ParamName, Is.EqualTo("ChunkSize"));
        Assert.DoesNotThrow(new CriticalLearningRateOptions().Validate);
        Assert.DoesNotThrow(new CriticalLearningRateOptions { Ntk = null!, Lanczos = null! }.Validate);
        // The options that hold them validate them when they are validated themselves.
        var bad = new CriticalLearningRateOptions { Lanczos = new LanczosOptions { Tolerance = -1 } };
        Assert.That(Assert.Throws<ArgumentException>(new Catapults.ML.Probes.CriticalRateProbeOptions { CriticalRate = bad }.Validate)!.ParamName, Is.EqualTo("Tolerance"));
        Assert.That(Assert.Throws<ArgumentException>(new Catapults.ML.Probes.DiagnosticsOptions { CriticalRateOptions = bad }.Validate)!.ParamName, Is.EqualTo("Tolerance"));
    }

    [Test]
    public void AnEmptyResidualHasNoProjectedLosses()
    {
        using var residual = torch.zeros(0, 1);
        using var vectors = torch.zeros(0, 1);
        var ex = Assert.Throws<ArgumentException>(() => ProjectedLosses.Compute(residual, vectors));
        Assert.That(ex!.Message, Does.StartWith("The residual has no values ([0, 1])"));
    }

    // A residual of another rank, or no eigenvectors at all, is refused by name rather than read as [n, O] or answered
    // with empty lists (mutation round 13A).
    [Test]
    public void ProjectedLossesNeedAnNByOResidualAndAtLeastOneEigenvector()
    {
        using var scope = torch.NewDisposeScope();
        var ex = Assert.Throws<ArgumentException>(() => ProjectedLosses.Compute(torch.ones(4, 1, 1), torch.eye(4)));
        Assert.That(ex!.ParamName, Is.EqualTo("residual"));
        Assert.That(ex.Message, Does.StartWith("The residual must be [n, O], got [4, 1, 1]."));
        ex = Assert.Throws<ArgumentException>(() => ProjectedLosses.Compute(torch.ones(4, 1), torch.zeros(4, 0)));
        Assert.That(ex!.ParamName, Is.EqualTo("eigenvectors"));
        Assert.That(ex.Message, Does.StartWith("The eigenvectors must be [4, S] with S ≥ 1 for a residual [4, 1], got [4, 0]."));
        // One eigenvector e₁ of a residual of ones: L = 4/4 = 1, PL₁ = ⟨r, e₁⟩²/4 = 1/4.
        var one = ProjectedLosses.Compute(torch.ones(4, 1), torch.eye(4).narrow(1, 0, 1));
        Assert.That((one.Loss, one.Projected[0], one.Orthogonal[0]), Is.EqualTo((1.0, 0.25, 0.75)));
    }

    [Test]
    public void CriticalRateDoesNotLeakTensors()
    {
        using var net = Nets.TwoLayer(6, 16, seed: 1, outputs: 2);
        using var x = Inputs(8, 6, seed: 15);
        void Run()
        {
            CriticalLearningRate.Compute(net, x);
            CriticalLearningRate.Compute(net, x, LossKind.CrossEntropy);
            CriticalLearningRate.Compute(net, x, LossKind.MeanSquaredError,
                new CriticalLearningRateOptions { Ntk = new NtkOptions { Method = NtkMethod.MatrixFree }, Lanczos = new LanczosOptions { DenseThreshold = 0 } });
        }
        TensorAssert.NoLeak(Run, Run, "critical learning rates");
    }

    // Eigenvectors of another length than the stacked residual are refused by name with both shapes, not handed to
    // libtorch's matrix-vector product (mutation round 32A).
    [Test]
    public void ProjectedLossesRefuseEigenvectorsOfAnotherLength()
    {
        using var scope = torch.NewDisposeScope();
        var ex = Assert.Throws<ArgumentException>(() => ProjectedLosses.Compute(torch.ones(4, 1), torch.eye(3).narrow(1, 0, 1)));
        Assert.That(ex!.ParamName, Is.EqualTo("eigenvectors"));
        Assert.That(ex.Message, Does.StartWith("The eigenvectors must be [4, S] with S ≥ 1 for a residual [4, 1], got [3, 1]."));
    }

    // The rate is of a batch [b, ...]: a single sample without its batch dimension is refused by name with its shape
    // (mutation round 32A: a check that let one-dimensional inputs through passed every test).
    [Test]
    public void AnInputWithoutABatchDimensionIsRefusedByName()
    {
        using var scope = torch.NewDisposeScope();
        using var net = StandardLinear(3, seed: 16);
        var ex = Assert.Throws<ArgumentException>(() => CriticalLearningRate.Compute(net, torch.ones(3)));
        Assert.That(ex!.ParamName, Is.EqualTo("inputs"));
        Assert.That(ex.Message, Does.StartWith("Inputs must be a batch [b, ...] with b ≥ 1, got [3]."));
    }
}
