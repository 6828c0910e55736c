using Catapults.ML.Features;
using TorchSharp;
using static TorchSharp.torch;

namespace Catapults.ML.Tests.Features;

/// <summary>
/// The documented rules of SymmetricMatrices, checked on matrices worked by hand or against torch.linalg.
/// Found by mutation testing (6 Dec 2026).
/// </summary>
public sealed class SymmetricMatricesContractTests
{
    [Test]
    public void AsymmetryIsMeasuredRelativeToTheNorm()
    {
        using var scope = torch.NewDisposeScope();
        // All-ones 10×10: ‖A‖_F = 10. One entry off by 5e-4: ‖A − Aᵀ‖_F = √2 · 5e-4 ≈ 7.1e-4, relative 7.1e-5 < 1e-4.
        var a = torch.ones(10, 10, dtype: ScalarType.Float64);
        a[0, 1] = torch.tensor(1.0005, ScalarType.Float64);
        Assert.DoesNotThrow(() => SymmetricMatrices.CheckedSymmetric(a, "matrix"));
        a[0, 1] = torch.tensor(1.002, ScalarType.Float64); // relative 2.8e-4
        Assert.Throws<ArgumentException>(() => SymmetricMatrices.CheckedSymmetric(a, "matrix"));
    }

    [Test]
    public void EigenRefusesAStackOfMatrices()
    {
        // Eigen orders one matrix's eigenpairs (flip(0) on the values): on a stack [2, d, d] it would flip the stack
        // instead, so it must refuse it rather than return pairs of the wrong matrix. Found by mutation testing (round 36A).
        using var scope = torch.NewDisposeScope();
        var stack = torch.stack(new[] { torch.eye(3, dtype: ScalarType.Float64), torch.eye(3, dtype: ScalarType.Float64) * 2 });
        var ex = Assert.Throws<ArgumentException>(() => SymmetricMatrices.Eigen(stack));
        Assert.That(ex!.ParamName, Is.EqualTo("matrix"));
        Assert.That(ex.Message, Does.StartWith("Eigen takes one matrix [d, d], got [2, 3, 3]."));
    }

    [Test]
    public void EigenvectorsHaveTheirLargestMagnitudeEntryPositive()
    {
        using var scope = torch.NewDisposeScope();
        var generator = new torch.Generator(5);
        for (int trial = 0; trial < 4; trial++)
        {
            var b = torch.randn(new long[] { 6, 6 }, dtype: ScalarType.Float64, generator: generator);
            var a = b + b.t();
            var (values, vectors) = SymmetricMatrices.Eigen(a);
            var expected = torch.linalg.eigvalsh(a).flip(0);
            Assert.That(torch.allclose(values, expected, rtol: 1e-10, atol: 1e-10), Is.True, "descending eigenvalues");
            Assert.That(torch.allclose(a.mm(vectors), vectors * values.unsqueeze(0), rtol: 1e-9, atol: 1e-9), Is.True, "A V = V Λ");
            for (int j = 0; j < 6; j++)
            {
                var column = vectors[.., j];
                long pivot = column.abs().argmax().item<long>();
                Assert.That(column[pivot].item<double>(), Is.GreaterThan(0), $"trial {trial}, column {j}");
            }
        }
    }

    [Test]
    public void ASquareRootZeroesANegativeRoundingEigenvalue()
    {
        using var scope = torch.NewDisposeScope();
        // diag(1, −1e-6): λ_min is within the PSD tolerance of a reference, and is set to zero, not to |λ|.
        var a = torch.diag(torch.tensor(new[] { 1.0, -1e-6 }, ScalarType.Float64));
        var root = SymmetricMatrices.Power(a, 0.5);
        var expected = torch.diag(torch.tensor(new[] { 1.0, 0.0 }, ScalarType.Float64));
        Assert.That(torch.allclose(root, expected, rtol: 0, atol: 1e-9), Is.True, root.ToString(TorchSharp.TensorStringStyle.Numpy));
    }

    [Test]
    public void TheSmallEigenvalueFloorScalesWithTheDimension()
    {
        using var scope = torch.NewDisposeScope();
        // d = 4: floor = 4 · 2⁻²³ · 1 ≈ 4.77e-7, so 3e-7 counts as zero for p < 1.
        var values = torch.tensor(new[] { 1.0, 3e-7, 0.0, 0.0 }, ScalarType.Float64);
        var powered = SymmetricMatrices.PoweredEigenvalues(values, 0.5);
        Assert.That(powered.data<double>().ToArray(), Is.EqualTo(new[] { 1.0, 0.0, 0.0, 0.0 }));
    }

    [Test]
    public void APowerOfOneIsTheSymmetrisedCopyEvenOfAnIndefiniteMatrix()
    {
        // p = 1 returns ½(A + Aᵀ) as it is: no eigendecomposition, so a negative eigenvalue is not clamped to 0 and the
        // entries keep their bits. Found by mutation testing (round 36A).
        using var scope = torch.NewDisposeScope();
        var a = torch.tensor(new[] { 0.1, 1.0, 1.0, 0.3 }, ScalarType.Float64).reshape(2, 2);
        var powered = SymmetricMatrices.Power(a.to_type(ScalarType.Float32), 1.0);
        Assert.That(powered.dtype, Is.EqualTo(ScalarType.Float64));
        Assert.That(powered.data<double>().ToArray(), Is.EqualTo(a.to_type(ScalarType.Float32).to_type(ScalarType.Float64).data<double>().ToArray()));
    }

    [Test]
    public void APowerOfOneKeepsSmallEigenvalues()
    {
        using var scope = torch.NewDisposeScope();
        var values = torch.tensor(new[] { 1.0, 1e-9, 0.0, 0.0 }, ScalarType.Float64);
        Assert.That(SymmetricMatrices.PoweredEigenvalues(values, 1.0).data<double>().ToArray(), Is.EqualTo(new[] { 1.0, 1e-9, 0.0, 0.0 }));
    }

    [Test]
    public void AFractionalPowerIsExactlySymmetric()
    {
        // V Λ^p Vᵀ rounds differently above and below the diagonal; Power's result feeds the eigensolvers and the
        // symmetry check of the next call, so it is symmetrised to the bit. Found by mutation testing (round 19C).
        using var scope = torch.NewDisposeScope();
        var a = torch.arange(49, ScalarType.Float64).reshape(7, 7).sin();
        var root = SymmetricMatrices.Power(torch.mm(a, a.t()), 0.5);
        Assert.That(root.eq(root.t()).all().ToBoolean(), Is.True);
    }
}
