using System.Text.Json;
using Catapults.ML.Features;
using Catapults.ML.Runtime;
using Catapults.ML.Tests.Support;
using TorchSharp;
using static TorchSharp.torch;

namespace Catapults.ML.Tests.Features;

/// <summary>AGOP feature maps: fitting, applying, saving.</summary>
public class AgopFeatureMapTests
{
    private static Tensor Gaussian(long[] shape, long seed)
    {
        using var g = Seeding.TorchGenerator(seed, Seeding.Stream.Data);
        return torch.randn(shape, generator: g);
    }

    private static Tensor RandomPsd(int d, int rank, long seed)
    {
        using var scope = torch.NewDisposeScope();
        var a = Gaussian(new long[] { d, rank }, seed).to_type(ScalarType.Float64);
        return torch.mm(a, a.t()).MoveToOuterDisposeScope();
    }

    [Test]
    public void SquareRootMapAppliesGToTheHalf()
    {
        const int d = 7;
        using var scope = torch.NewDisposeScope();
        var g = RandomPsd(d, 4, seed: 1); // rank-deficient, as AGOPs of low-rank targets are
        using var map = AgopFeatureMap.Fit(g);
        Assert.That(map.Kind, Is.EqualTo(AgopFeatureMapKind.MatrixPower));
        Assert.That((map.InputDimension, map.OutputDimension), Is.EqualTo((d, d)));
        var m = map.Matrix();
        TensorAssert.AllClose(torch.mm(m, m), g, 1e-4, 1e-4 * g.abs().max().ToDouble(), "(G^½)² = G");
        TensorAssert.AllClose(m, m.t(), 0, 0, "G^½ is symmetric");
        var x = Gaussian(new long[] { 23, d }, seed: 2);
        var y = map.Transform(x);
        Assert.That(y.dtype, Is.EqualTo(ScalarType.Float32));
        TensorAssert.AllClose(y, torch.mm(x.to_type(ScalarType.Float64), m.t()), 1e-5, 1e-5, "x ↦ G^½x");
        Assert.That(map.Eigenvalues.Take(4).All(v => v > 0) && map.Eigenvalues.Skip(4).All(v => Math.Abs(v) < 1e-9), Is.True, "rank 4");
    }

    [Test]
    public void TopEigenvectorMapGivesCoordinatesAlongTheDominantDirections()
    {
        using var scope = torch.NewDisposeScope();
        // The rank-4 reference diag(4, 3, 2, 1, 0, 0): the top-2 directions are e₁ and e₂.
        using var known = AgopFeatureMap.Fit(ReferenceAgop.Rank4(6), new AgopFeatureMapOptions { Kind = AgopFeatureMapKind.TopEigenvectors, Rank = 2 });
        var x = Gaussian(new long[] { 11, 6 }, seed: 3);
        TensorAssert.AllClose(known.Transform(x), x.narrow(1, 0, 2), 0, 1e-7, "projection onto e₁, e₂");
        Assert.That(known.Eigenvalues, Is.EqualTo(new double[] { 4, 3, 2, 1, 0, 0 }).Within(1e-12));

        const int d = 9, r = 3;
        var g = RandomPsd(d, d, seed: 4);
        using var map = AgopFeatureMap.Fit(g, new AgopFeatureMapOptions { Kind = AgopFeatureMapKind.TopEigenvectors, Rank = r });
        Assert.That(map.OutputDimension, Is.EqualTo(r));
        var v = map.Matrix(); // [r, d]
        TensorAssert.AllClose(torch.mm(v, v.t()), torch.eye(r, dtype: ScalarType.Float64), 0, 1e-6, "orthonormal rows");
        var expectedValues = torch.linalg.eigvalsh(g).flip(0).narrow(0, 0, r);
        TensorAssert.AllClose(torch.mm(torch.mm(v, g), v.t()), torch.diag(expectedValues), 1e-5, 1e-5 * expectedValues[0].ToDouble(),
            "VᵀGV = diag(top-r eigenvalues)");
    }

    [Test]
    public void FittingFromAModelUsesItsAgopAndImageBatchesAreFlattened()
    {
        using var scope = torch.NewDisposeScope();
        using var net = Nets.TwoLayer(12, 16, seed: 5, outputs: 2);
        var x = Gaussian(new long[] { 50, 12 }, seed: 6);
        using var fromModel = AgopFeatureMap.Fit(net, x, new AgopFeatureMapOptions { NormalizeTrace = true }, new AgopOptions { BatchSize = 8 });
        using var fromMatrix = AgopFeatureMap.Fit(Agop.Compute(net, x), new AgopFeatureMapOptions { NormalizeTrace = true });
        TensorAssert.AllClose(fromModel.Matrix(), fromMatrix.Matrix(), 1e-5, 1e-7, "Fit(model, data) = Fit(AGOP)");
        Assert.That(fromModel.Eigenvalues.Sum(), Is.EqualTo(1.0).Within(1e-9), "trace-normalised G");
        var images = x.reshape(50, 3, 2, 2);
        TensorAssert.AllClose(fromModel.Transform(images), fromModel.Transform(x), 0, 0, "[n, 3, 2, 2] maps like [n, 12]");
    }

    [Test]
    public void BatchedRowAndSavedMapsAllAgree()
    {
        const int d = 10;
        using var scope = torch.NewDisposeScope();
        var g = RandomPsd(d, 6, seed: 7);
        using var map = AgopFeatureMap.Fit(g, new AgopFeatureMapOptions { BatchSize = 7 });
        var x = Gaussian(new long[] { 31, d }, seed: 8);
        var batched = map.Transform(x);
        TensorAssert.AllClose(batched, torch.mm(x, map.Matrix().to_type(ScalarType.Float32).t()), 1e-6, 1e-6, "chunks of 7 vs one product");

        var rows = x.data<float>().ToArray();
        var output = new float[d];
        for (int i = 0; i < 31; i++)
        {
            map.Transform(rows.AsSpan(i * d, d), output);
            TensorAssert.AllClose(torch.tensor(output), batched[i], 1e-5, 1e-6, $"row {i} without tensors");
        }

        string json = JsonSerializer.Serialize(map.ToState());
        using var restored = AgopFeatureMap.FromState(JsonSerializer.Deserialize<AgopFeatureMapState>(json)!);
        Assert.That(restored.ToState().Matrix, Is.EqualTo(map.ToState().Matrix), "the float[] state round-trips exactly");
        TensorAssert.AllClose(restored.Transform(x), batched, 0, 0, "restored map gives identical features");
        Assert.That(restored.Eigenvalues, Is.EqualTo(map.Eigenvalues));
    }

    [Test]
    public void BadInputsFailWithClearErrors()
    {
        using var scope = torch.NewDisposeScope();
        var g = RandomPsd(5, 5, seed: 9);
        var ex = Assert.Throws<ArgumentException>(() => AgopFeatureMap.Fit(g, new AgopFeatureMapOptions { Kind = AgopFeatureMapKind.TopEigenvectors, Rank = 6 }));
        Assert.That(ex!.Message, Does.Contain("Rank 6 exceeds the input dimension 5"));
        ex = Assert.Throws<ArgumentException>(() => AgopFeatureMap.Fit(g, new AgopFeatureMapOptions { Power = 0 }));
        Assert.That(ex!.ParamName, Is.EqualTo("Power"));
        ex = Assert.Throws<ArgumentException>(() => AgopFeatureMap.Fit(torch.stack(new[] { g, g })));
        Assert.That(ex!.Message, Does.Contain("PerOutput"));
        using var net = Nets.TwoLayer(5, 4);
        ex = Assert.Throws<ArgumentException>(() => AgopFeatureMap.Fit(net, torch.ones(3, 5), agopOptions: new AgopOptions { Power = 0.5 }));
        Assert.That(ex!.Message, Does.Contain("AgopFeatureMapOptions.Power"));

        using var map = AgopFeatureMap.Fit(g);
        ex = Assert.Throws<ArgumentException>(() => map.Transform(torch.ones(3, 4)));
        Assert.That(ex!.Message, Does.Contain("fitted on 5 features but the batch has 4"));
        ex = Assert.Throws<ArgumentException>(() => map.Transform(new float[4], new float[5]));
        Assert.That(ex!.Message, Does.Contain("row has 4"));

        var state = map.ToState();
        state.Matrix = state.Matrix.Take(24).ToArray();
        ex = Assert.Throws<ArgumentException>(() => AgopFeatureMap.FromState(state));
        Assert.That(ex!.Message, Does.Contain("must hold 25 values"));
        state = map.ToState();
        state.Version = 99;
        ex = Assert.Throws<ArgumentException>(() => AgopFeatureMap.FromState(state));
        Assert.That(ex!.Message, Does.Contain("Version 99"));
        state = map.ToState();
        state.Matrix[3] = float.NaN;
        ex = Assert.Throws<ArgumentException>(() => AgopFeatureMap.FromState(state));
        Assert.That(ex!.Message, Does.Contain("Matrix[3]"));
        // The reported spectrum: two eigenvalues for d = 5, or out of order, loaded and were shown as G's.
        state = map.ToState();
        state.Eigenvalues = state.Eigenvalues.Take(2).ToArray();
        ex = Assert.Throws<ArgumentException>(() => AgopFeatureMap.FromState(state));
        Assert.That(ex!.Message, Does.Contain("must hold the 5 eigenvalues of G, got 2"));
        state = map.ToState();
        state.Eigenvalues = state.Eigenvalues.Reverse().ToArray();
        ex = Assert.Throws<ArgumentException>(() => AgopFeatureMap.FromState(state));
        Assert.That(ex!.Message, Does.Contain("descending order"));
    }

    [Test]
    public void APowerThatOverflowsTheMapIsRefusedWhenFitted()
    {
        using var scope = torch.NewDisposeScope();
        var g = torch.diag(torch.tensor(new double[] { 4, 1 }));
        var ex = Assert.Throws<ArgumentException>(() => AgopFeatureMap.Fit(g, new AgopFeatureMapOptions { Power = 1000 }));
        Assert.That(ex!.Message, Does.StartWith("G^1000 overflows float32 (largest eigenvalue 4); use a smaller AgopFeatureMapOptions.Power"));
        using var normalised = AgopFeatureMap.Fit(g, new AgopFeatureMapOptions { Power = 1000, NormalizeTrace = true });
        Assert.That(normalised.ToState().Matrix.All(float.IsFinite), "a trace-normalised G stays finite");
    }

    [Test]
    public void FittingAndTransformingLeakNoTensors()
    {
        using var g = RandomPsd(8, 8, seed: 10);
        using var x = Gaussian(new long[] { 20, 8 }, seed: 11);
        void Run()
        {
            foreach (var kind in new[] { AgopFeatureMapKind.MatrixPower, AgopFeatureMapKind.TopEigenvectors })
            {
                using var map = AgopFeatureMap.Fit(g, new AgopFeatureMapOptions { Kind = kind, Rank = 3, BatchSize = 6 });
                using var y = map.Transform(x);
                using var m = map.Matrix();
            }
        }
        TensorAssert.NoLeak(Run, () => { for (int i = 0; i < 5; i++) Run(); }, "feature maps");
    }
}
