using Catapults.ML.Data;
using Catapults.ML.Features;
using Catapults.ML.Runtime;
using Catapults.ML.Tests.Support;
using Catapults.ML.Training;
using TorchSharp;
using static TorchSharp.torch;
using Catapults.ML.Probes;

namespace Catapults.ML.Tests.Features;

/// <summary>The Frobenius cosine and the alignment observer.</summary>
public class AgopAlignmentTests
{
    private static Tensor RandomPsd(int d, long seed)
    {
        using var g = Seeding.TorchGenerator(seed, Seeding.Stream.Data);
        using var a = torch.randn(new long[] { d, d }, ScalarType.Float64, generator: g);
        return torch.mm(a, a.t());
    }

    [TestCase(1e-3)]
    [TestCase(0.5)]
    [TestCase(7.0)]
    [TestCase(1e4)]
    public void AMatrixIsPerfectlyAlignedWithAnyPositiveMultiple(double c)
    {
        using var scope = torch.NewDisposeScope();
        var g = RandomPsd(9, seed: 1);
        Assert.That(AgopAlignment.Cosine(g, c * g), Is.EqualTo(1.0).Within(1e-12));
        Assert.That(AgopAlignment.Cosine(g, c * g, power: 0.5), Is.EqualTo(1.0).Within(1e-10));
    }

    [Test]
    public void OrthogonalProjectorsHaveZeroAlignment()
    {
        using var scope = torch.NewDisposeScope();
        using var g = Seeding.TorchGenerator(2, Seeding.Stream.Data);
        var (q, _) = torch.linalg.qr(torch.randn(new long[] { 8, 8 }, ScalarType.Float64, generator: g));
        var q1 = q.narrow(1, 0, 3);
        var q2 = q.narrow(1, 3, 5);
        var p1 = torch.mm(q1, q1.t());
        var p2 = torch.mm(q2, q2.t());
        Assert.That(AgopAlignment.Cosine(p1, p2), Is.EqualTo(0.0).Within(1e-12));
        Assert.That(AgopAlignment.Cosine(p1, p2, power: 0.5), Is.EqualTo(0.0).Within(1e-7), "a projector's square root is itself");
        // Nested projectors: ⟨P₁, P₁ + P₂⟩ = 3, ‖P₁‖ = √3, ‖I‖ = √8, so the cosine is √(3/8).
        Assert.That(AgopAlignment.Cosine(p1, p1 + p2), Is.EqualTo(Math.Sqrt(3.0 / 8)).Within(1e-12));
    }

    [Test]
    public void MatrixPowerIsAppliedToBothSides()
    {
        using var scope = torch.NewDisposeScope();
        var g = torch.diag(torch.tensor(new double[] { 4, 1, 0 }));
        var reference = torch.eye(3, dtype: ScalarType.Float64);
        // Plain: ⟨diag(4,1,0), I⟩ / (√17 · √3); with p = ½: ⟨diag(2,1,0), I⟩ / (√5 · √3).
        Assert.That(AgopAlignment.Cosine(g, reference), Is.EqualTo(5 / Math.Sqrt(17 * 3)).Within(1e-12));
        Assert.That(AgopAlignment.Cosine(g, reference, power: 0.5), Is.EqualTo(3 / Math.Sqrt(5 * 3)).Within(1e-12));
        Assert.That(AgopAlignment.Cosine(ReferenceAgop.Rank2(3), reference), Is.EqualTo(Math.Sqrt(2.0 / 3)).Within(1e-12));
    }

    // A rank-3 AGOP in d = 64 with rounding noise of 1e-8 · λ_max in its null space, as float32 gradients leave it:
    // the square root is that of the exact matrix, U S Uᵀ for G = U S² Uᵀ, not lifted by 61 directions of √noise.
    [Test]
    public void ASquareRootIgnoresRoundingNoiseInTheNullSpace()
    {
        using var scope = torch.NewDisposeScope();
        const int d = 64;
        using var g = Seeding.TorchGenerator(5, Seeding.Stream.Data);
        var (q, _) = torch.linalg.qr(torch.randn(new long[] { d, 3 }, ScalarType.Float64, generator: g));
        var s = torch.tensor(new double[] { 2.0, 1.0, 0.5 });
        var exact = torch.mm(q * s.pow(2).unsqueeze(0), q.t());
        var noise = torch.randn(new long[] { d, d }, ScalarType.Float64, generator: g) * 1e-8 * 4.0 / Math.Sqrt(d);
        var noisy = exact + (noise + noise.t()) * 0.5;
        var root = SymmetricMatrices.Power(noisy, 0.5);
        TensorAssert.AllClose(root, torch.mm(q * s.unsqueeze(0), q.t()), 0, 1e-6, "G^½ of the rank-3 matrix");
        // The feature map and the alignment's rescaled path take the same root.
        var map = AgopFeatureMap.Fit(noisy, new AgopFeatureMapOptions { Power = 0.5 });
        using (var mapMatrix = map.Matrix()) TensorAssert.AllClose(mapMatrix.to_type(ScalarType.Float64), root, 0, 1e-6, "the feature map's G^½");
        Assert.That(AgopAlignment.Cosine(noisy * 1e-300, exact, 0.5), Is.EqualTo(1.0).Within(1e-9), "the rescaled path drops the noise too");
        Assert.That(SymmetricMatrices.Power(torch.diag(torch.tensor(new double[] { 4, 1e-3, 0 })), 0.5).diagonal().data<double>().ToArray(),
            Is.EqualTo(new[] { 2.0, Math.Sqrt(1e-3), 0.0 }).Within(1e-12), "an eigenvalue above the floor keeps its root");
    }

    [Test]
    public void BadMatricesFailWithClearErrors()
    {
        using var scope = torch.NewDisposeScope();
        var g = RandomPsd(4, seed: 3);
        var ex = Assert.Throws<ArgumentException>(() => AgopAlignment.Cosine(g, RandomPsd(5, seed: 3)));
        Assert.That(ex!.Message, Does.Contain("same shape"));
        ex = Assert.Throws<ArgumentException>(() => AgopAlignment.Cosine(torch.ones(4, 3), torch.ones(4, 3)));
        Assert.That(ex!.Message, Does.Contain("square"));
        var asymmetric = g.clone();
        asymmetric[0, 1] += 1;
        ex = Assert.Throws<ArgumentException>(() => AgopAlignment.Cosine(asymmetric, g));
        Assert.That(ex!.Message, Does.Contain("not symmetric"));
        ex = Assert.Throws<ArgumentException>(() => AgopAlignment.Cosine(torch.zeros(4, 4), g));
        Assert.That(ex!.Message, Does.Contain("zero"));
        var nan = g.clone();
        nan[1, 1] = double.NaN;
        ex = Assert.Throws<ArgumentException>(() => AgopAlignment.Cosine(g, nan));
        Assert.That(ex!.Message, Does.Contain("non-finite"));
        Assert.Throws<ArgumentOutOfRangeException>(() => AgopAlignment.Cosine(g, g, power: 0));
        ex = Assert.Throws<ArgumentException>(() => ReferenceAgop.FromMatrix(new double[,] { { 1, 2 }, { 0, 1 } }));
        Assert.That(ex!.Message, Does.Contain("reference AGOP is not symmetric"));
        // Entries near 1e300 overflow a plain Frobenius norm to ∞, which must not wave an asymmetric matrix through.
        ex = Assert.Throws<ArgumentException>(() => ReferenceAgop.FromMatrix(new double[,] { { 1e300, 1e300 }, { 0, 1e300 } }));
        Assert.That(ex!.Message, Does.Contain("reference AGOP is not symmetric"));
        Assert.DoesNotThrow(() => ReferenceAgop.FromMatrix(new double[,] { { 1e300, 5e299 }, { 5e299, 1e300 } }).Dispose());
        Assert.Throws<ArgumentOutOfRangeException>(() => ReferenceAgop.Rank4(3));
    }

    [Test]
    public void HugeTinyOrHighPoweredMatricesGiveTheTrueCosineInsteadOfNaNOrZero()
    {
        using var scope = torch.NewDisposeScope();
        var g = torch.diag(torch.tensor(new double[] { 4, 3, 2, 1 }));
        Assert.That(AgopAlignment.Cosine(g, g, power: 1000), Is.EqualTo(1.0).Within(1e-12), "G^1000 overflowed to NaN");
        var huge = torch.diag(torch.tensor(new double[] { 1e200, 1e200 }));
        var eye = torch.eye(2, dtype: ScalarType.Float64);
        Assert.That(AgopAlignment.Cosine(huge, eye), Is.EqualTo(1.0).Within(1e-12), "‖G‖ overflowed and the cosine read 0");
        Assert.That(AgopAlignment.Cosine(huge, huge), Is.EqualTo(1.0).Within(1e-12), "both overflowed to NaN");
        Assert.That(AgopAlignment.Cosine(huge * 1e-300 * 1e-100, eye), Is.EqualTo(1.0).Within(1e-12), "1e-200 entries underflowed to 'zero'");
        var ex = Assert.Throws<ArgumentException>(() => AgopAlignment.Cosine(torch.zeros(2, 2), eye, power: 1000));
        Assert.That(ex!.Message, Does.Contain("The AGOP is zero"));
    }

    [Test]
    public void AnOrdinaryCosineIsTheDirectFormulaBitForBit()
    {
        using var scope = torch.NewDisposeScope();
        var g = RandomPsd(7, seed: 5);
        var r = RandomPsd(7, seed: 6);
        double direct = (g * r).sum().ToDouble() / (g.norm().ToDouble() * r.norm().ToDouble());
        Assert.That(AgopAlignment.Cosine(g, r), Is.EqualTo(direct));
    }

    [Test]
    public void AReferenceMatrixMustBeNonEmptyAndPositiveSemidefinite()
    {
        var ex = Assert.Throws<ArgumentException>(() => ReferenceAgop.OfMatrix(new double[,] { { -1, 0 }, { 0, -1 } }));
        Assert.That(ex!.Message, Does.StartWith("A reference AGOP must be positive semidefinite; its smallest eigenvalue is -1 "));
        ex = Assert.Throws<ArgumentException>(() => ReferenceAgop.OfMatrix(new double[,] { { 1, 2 }, { 2, 1 } }));
        Assert.That(ex!.Message, Does.Contain("smallest eigenvalue is -1"), "indefinite");
        ex = Assert.Throws<ArgumentException>(() => ReferenceAgop.OfMatrix(new double[0, 0]));
        Assert.That(ex!.Message, Does.Contain("d ≥ 1, got 0×0"));
        Assert.That(ReferenceAgop.OfMatrix(new double[,] { { 1, 1 }, { 1, 1 } }).InputDimension, Is.EqualTo(2), "singular PSD (rounding-level negative eigenvalue) is accepted");
        Assert.That(ReferenceAgop.OfMatrix(new double[2, 2]).InputDimension, Is.EqualTo(2), "zero stays accepted here; the alignment refuses it");
    }

    [Test]
    public void SgdWithBatchFiveOnRank2RaisesAlignmentWellAboveInitialisation()
    {
        const int d = 10, n = 300, steps = 400;
        var task = SyntheticTask.Rank2(d);
        var (train, test) = task.CreateSplits(n, 10, seed: 1);
        using (train)
        using (test)
        using (var net = Nets.TwoLayer(d, 64, seed: 1, bias: true))
        using (var observer = new AgopAlignmentProbe(ReferenceAgop.Rank2(d), new AgopAlignmentProbeOptions { Every = 200 }))
        {
            // Batch-5 steps of a width-64 net are too small to gain from threads; one thread keeps the test fast on a busy machine.
            int threads = torch.get_num_threads();
            TrainingResult result;
            var clock = System.Diagnostics.Stopwatch.StartNew();
            try
            {
                torch.set_num_threads(1);
                result = Trainer.Train(net, train, new TrainingOptions { LearningRate = 0.5, BatchSize = 5, MaxSteps = steps, ShuffleSeed = 3 },
                    new ITrainingObserver[] { observer });
            }
            finally
            {
                torch.set_num_threads(threads);
            }
            TestContext.Out.WriteLine($"{steps} SGD steps with alignment every 200: {clock.ElapsedMilliseconds} ms; " +
                string.Join(", ", observer.Records.Select(r => $"step {r.Step}: {r.Alignment:F3}")));
            Assert.That(result.Outcome, Is.EqualTo(TrainingOutcome.BudgetReached));
            Assert.That(observer.Records.Select(r => r.Step), Is.EqualTo(new[] { 0, 200, 400 }), "initial, cadence and final weights");
            Assert.That(observer.Records.All(r => r.Alignment is not null && r.Problem is null), Is.True);
            double initial = observer.Records[0].Alignment!.Value;
            double final = observer.Records[^1].Alignment!.Value;
            // At initialisation the AGOP is spread over all d directions (about √(2/d) ≈ 0.45 for an isotropic G);
            // training concentrates it on x₁, x₂.
            Assert.That(initial, Is.LessThan(0.5));
            Assert.That(final, Is.GreaterThan(0.85).And.GreaterThan(initial + 0.35));
            // The last record is the alignment of the final weights, measured independently here.
            using var g = Agop.Compute(net, train);
            using var reference = ReferenceAgop.Rank2(d);
            Assert.That(final, Is.EqualTo(AgopAlignment.Cosine(g, reference)).Within(1e-9));

            var frame = observer.ToDataFrame();
            Assert.That(frame.Rows.Count, Is.EqualTo(3));
            Assert.That(frame.Columns.Select(c => c.Name), Is.EqualTo(new[] { "Step", "Alignment", "AgopTrace", "Problem" }));
            Assert.That((double?)frame["Alignment"][2], Is.EqualTo(final));
            Assert.That((int?)frame["Step"][1], Is.EqualTo(200));
        }
    }

    [Test]
    public void ObserverWithATargetFunctionUsesItsAgopOnTheSameInputs()
    {
        const int d = 6;
        var task = SyntheticTask.Rank4(d);
        var (train, test) = task.CreateSplits(80, 40, seed: 2);
        using (train)
        using (test)
        using (var net = Nets.TwoLayer(d, 32, seed: 2))
        using (var observer = new AgopAlignmentProbe(task, new AgopAlignmentProbeOptions { Every = 5, MaxSamples = 30 }, test.Features))
        {
            Trainer.Train(net, train, new TrainingOptions { LearningRate = 0.2, BatchSize = 10, MaxSteps = 12 }, new[] { observer });
            Assert.That(observer.Records.Select(r => r.Step), Is.EqualTo(new[] { 0, 5, 10, 12 }));
            using var probe = test.Features.narrow(0, 0, 30);
            using var expectedReference = Agop.Compute(task, probe);
            TensorAssert.AllClose(observer.Reference!, expectedReference, 1e-9, 1e-12, "reference = target AGOP on the first 30 probe inputs");
            using var g = Agop.Compute(net, probe);
            Assert.That(observer.Records[^1].Alignment, Is.EqualTo(AgopAlignment.Cosine(g, expectedReference)).Within(1e-9));
            Assert.That(observer.Records[^1].AgopTrace, Is.EqualTo(g.trace().ToDouble()).Within(1e-9));
        }
    }

    [Test]
    public void DivergedWeightsAreRecordedAsAProblemNotAsNaN()
    {
        const int d = 5;
        var (train, test) = SyntheticTask.Rank2(d).CreateSplits(20, 5, seed: 1);
        using (train)
        using (test)
        using (var net = Nets.TwoLayer(d, 8, seed: 1, act: Catapults.ML.Models.ActivationKind.Identity))
        using (var observer = new AgopAlignmentProbe(ReferenceAgop.Rank2(d)))
        {
            using (torch.no_grad())
                foreach (var layer in net.Layers) layer.Weight.mul_(1e30f); // ∇ₓf ≈ 1e60: overflows float32
            // As if restored from a checkpoint after the weights diverged: at step 0 they would be refused as bad inputs.
            using var trainer = new Trainer(net, new TrainingOptions { LearningRate = 0.1, MaxSteps = 3 });
            trainer.ResumeAt(1, referenceLoss: 1.0);
            var result = trainer.Run(train, new[] { observer });
            Assert.That(result.Diverged, Is.True);
            Assert.That(observer.Records, Has.Count.EqualTo(1));
            Assert.That(observer.Records[0].Alignment, Is.Null);
            Assert.That(observer.Records[0].Problem, Does.Contain("not finite"));
        }
    }

    [Test]
    public void ObserverRejectsBadOptionsAndMismatchedReferences()
    {
        using var scope = torch.NewDisposeScope();
        var ex = Assert.Throws<ArgumentException>(() => new AgopAlignmentProbe(ReferenceAgop.Rank2(4), new AgopAlignmentProbeOptions { Every = 0 }));
        Assert.That(ex!.Message, Does.Contain("Every"));
        ex = Assert.Throws<ArgumentException>(() => new AgopAlignmentProbe(ReferenceAgop.Rank2(4),
            new AgopAlignmentProbeOptions { Agop = new AgopOptions { Power = 0.5 } }));
        Assert.That(ex!.Message, Does.Contain("MatrixPower"));
        ex = Assert.Throws<ArgumentException>(() => new AgopAlignmentProbe(torch.zeros(4, 4)));
        Assert.That(ex!.Message, Does.Contain("zero"));

        var (train, test) = SyntheticTask.Rank2(5).CreateSplits(20, 5, seed: 1);
        using (train)
        using (test)
        using (var net = Nets.TwoLayer(5, 8, seed: 1))
        using (var observer = new AgopAlignmentProbe(ReferenceAgop.Rank2(4)))
        {
            ex = Assert.Throws<ArgumentException>(() => Trainer.Train(net, train, new TrainingOptions { MaxSteps = 2 }, new[] { observer }));
            Assert.That(ex!.Message, Does.Contain("[4, 4]").And.Contain("[5, 5]"));
        }
    }

    [Test]
    public void TrainingWithTheObserverLeaksNoTensors()
    {
        var (train, test) = SyntheticTask.Rank2(6).CreateSplits(40, 5, seed: 1);
        using (train)
        using (test)
        using (var net = Nets.TwoLayer(6, 16, seed: 1))
        {
            var options = new TrainingOptions { LearningRate = 0.1, BatchSize = 5, MaxSteps = 5 };
            using var trainer = new Trainer(net, options);
            using var observer = new AgopAlignmentProbe(SyntheticTask.Rank2(6), new AgopAlignmentProbeOptions { Every = 3 });
            TensorAssert.NoLeak(
                () => trainer.Run(train, new[] { observer }),
                () => { trainer.Options = options with { MaxSteps = 60 }; trainer.Run(train, new[] { observer }); },
                "training with the alignment observer");
            Assert.That(observer.Records.Select(r => r.Step), Is.EqualTo(new[] { 0, 3, 5, 6 }.Concat(Enumerable.Range(3, 18).Select(k => 3 * k)).Concat(new[] { 60 }).Distinct()));
        }
    }
}
