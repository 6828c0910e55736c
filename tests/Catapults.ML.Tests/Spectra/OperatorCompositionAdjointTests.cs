using Catapults.ML.Spectra;
using TorchSharp;
using static TorchSharp.torch;
using static Catapults.ML.Tests.Spectra.SpectraTestSupport;

namespace Catapults.ML.Tests.Spectra;

/// <summary>
/// Compositions of square operators that are not self-adjoint: their adjoints are the transposes of their explicit
/// matrices, and they claim self-adjointness only where the matrix is symmetric. Checked against the matrices built
/// by hand. Found by mutation testing (round 10B).
/// </summary>
public sealed class OperatorCompositionAdjointTests
{
    [Test]
    public void TheAdjointOfAProductIsTheReversedProductOfTheAdjoints()
    {
        using var scope = torch.NewDisposeScope();
        var a = WithSpectrum(new[] { 3.0, 1.0, -2.0, 0.5 }, seed: 11);
        var b = WithSpectrum(new[] { 1.0, 2.0, 3.0, 4.0 }, seed: 12);
        var c = WithSpectrum(new[] { -1.0, 0.3, 2.0, 5.0 }, seed: 13);
        using var opA = new DenseSymmetricOperator(a);
        using var opB = new DenseSymmetricOperator(b);
        using var opC = new DenseSymmetricOperator(c);
        // (A·B·C)ᵀ = C·B·A, which differs from A·B·C and from B·A·C… for matrices that do not commute.
        var abc = opA * (opB * opC);
        Assert.That(abc.IsSelfAdjoint, Is.False);
        var expected = a.mm(b).mm(c).t();
        Assert.That((abc.Adjoint.ToDense() - expected).abs().max().ToDouble(), Is.LessThan(1e-12));
        // ⟨A x, y⟩ = ⟨x, Aᵀ y⟩ through the products alone.
        using var g = Catapults.ML.Runtime.Seeding.TorchGenerator(1, Catapults.ML.Runtime.Seeding.Stream.Data);
        var x = torch.randn(new long[] { 4 }, ScalarType.Float64, generator: g);
        var y = torch.randn(new long[] { 4 }, ScalarType.Float64, generator: g);
        Assert.That(abc.Apply(x).dot(y).ToDouble(), Is.EqualTo(x.dot(abc.Adjoint.Apply(y)).ToDouble()).Within(1e-12));
    }

    [Test]
    public void TheAdjointOfAScaledOperatorIsTheScaledAdjoint()
    {
        using var scope = torch.NewDisposeScope();
        var a = WithSpectrum(new[] { 3.0, 1.0, -2.0 }, seed: 14);
        var b = WithSpectrum(new[] { 1.0, 2.0, 3.0 }, seed: 15);
        using var opA = new DenseSymmetricOperator(a);
        using var opB = new DenseSymmetricOperator(b);
        var scaled = -2.5 * (opA * opB);
        Assert.That((scaled.Adjoint.ToDense() - (-2.5 * b.mm(a))).abs().max().ToDouble(), Is.LessThan(1e-12));
    }

    [Test]
    public void SquaringAnOperatorThatIsNotSelfAdjointGivesOneThatIsNot()
    {
        using var scope = torch.NewDisposeScope();
        var a = WithSpectrum(new[] { 3.0, 1.0, -2.0 }, seed: 16);
        var b = WithSpectrum(new[] { 1.0, 2.0, 3.0 }, seed: 17);
        using var opA = new DenseSymmetricOperator(a);
        using var opB = new DenseSymmetricOperator(b);
        var ab = opA * opB;
        var square = ab * ab;
        // (AB)² is not symmetric, so the eigensolver must refuse it rather than diagonalise its symmetric part.
        var dense = a.mm(b).mm(a).mm(b);
        Assert.That((dense - dense.t()).abs().max().ToDouble(), Is.GreaterThan(1e-3));
        Assert.That(square.IsSelfAdjoint, Is.False);
        Assert.Throws<ArgumentException>(() => LanczosEigensolver.Solve(square, 1));
        // A symmetric S·S is self-adjoint.
        Assert.That((opA * opA).IsSelfAdjoint, Is.True);
    }

    [Test]
    public void ASumIsSelfAdjointOnlyWhenBothTermsAre()
    {
        using var scope = torch.NewDisposeScope();
        var a = WithSpectrum(new[] { 3.0, 1.0, -2.0 }, seed: 18);
        var b = WithSpectrum(new[] { 1.0, 2.0, 3.0 }, seed: 19);
        using var opA = new DenseSymmetricOperator(a);
        using var opB = new DenseSymmetricOperator(b);
        var sum = opA + opA * opB;
        Assert.That(sum.IsSelfAdjoint, Is.False);
        Assert.That((sum.Adjoint.ToDense() - (a + b.mm(a))).abs().max().ToDouble(), Is.LessThan(1e-12));
        Assert.Throws<ArgumentException>(() => LanczosEigensolver.Solve(sum, 1));
    }

    [Test]
    public void AFloat32OperatorReturnsTheCallersDtype()
    {
        using var scope = torch.NewDisposeScope();
        var a = WithSpectrum(new[] { 3.0, 1.0, -2.0 }, seed: 20).to(ScalarType.Float32);
        using var op = new DenseSymmetricOperator(a);
        var v = torch.tensor(new[] { 1.0, -2.0, 0.5 }, ScalarType.Float64);
        var result = op.Apply(v);
        Assert.That(result.dtype, Is.EqualTo(ScalarType.Float64));
        var expected = a.to(ScalarType.Float64).mv(v);
        Assert.That((result - expected).abs().max().ToDouble(), Is.LessThan(1e-5));
        Assert.That(op.Apply(v.unsqueeze(1)).dtype, Is.EqualTo(ScalarType.Float64));
    }

    [Test]
    public void IntegerVectorsAreRefused()
    {
        using var scope = torch.NewDisposeScope();
        using var op = new DenseSymmetricOperator(torch.eye(3, dtype: ScalarType.Float64));
        var ex = Assert.Throws<ArgumentException>(() => op.Apply(torch.ones(3, ScalarType.Int64)));
        Assert.That(ex!.Message, Does.Contain("floating-point"));
    }

    [Test]
    public void TheDenseFormOfASelfAdjointOperatorIsItsSymmetricPart()
    {
        // An operator that claims self-adjointness but whose products round asymmetrically (as float32 products do):
        // its dense form is symmetric by contract, the mean of the matrix and its transpose.
        using var scope = torch.NewDisposeScope();
        var m = torch.tensor(new[,] { { 2.0, 1.0 + 1e-7, 0 }, { 1.0, 3.0, -1e-7 }, { 1e-7, 0, 1.0 } });
        var op = new ClaimedSymmetricOperator(m);
        var dense = op.ToDense();
        Assert.That((dense - dense.t()).abs().max().ToDouble(), Is.EqualTo(0.0));
        Assert.That((dense - (m + m.t()) * 0.5).abs().max().ToDouble(), Is.LessThan(1e-15));
    }

    // An operator without a dense form is formed 64 columns at a time: with 150 columns the later blocks must hold the
    // unit vectors of their own columns (mutation round 13A).
    [Test]
    public void TheDenseFormOfAWideOperatorHasEveryColumn()
    {
        using var scope = torch.NewDisposeScope();
        using var g = new torch.Generator(21);
        var m = torch.randn(new long[] { 3, 150 }, ScalarType.Float64, generator: g);
        var op = new ByMatrix(m);
        Assert.That(op.HasDenseForm, Is.False);
        Assert.That((op.ToDense() - m).abs().max().ToDouble(), Is.EqualTo(0.0));
    }

    // Operators that do not fit are refused with both shapes, rows first, and the operation tried (mutation round 17A).
    [Test]
    public void OperatorsThatDoNotFitAreRefusedWithBothShapes()
    {
        using var scope = torch.NewDisposeScope();
        var a = new ByMatrix(torch.ones(2, 3, ScalarType.Float64));
        var b = new ByMatrix(torch.ones(4, 5, ScalarType.Float64));
        var ex = Assert.Throws<ArgumentException>(() => _ = a * b);
        Assert.That(ex!.ParamName, Is.EqualTo("right"));
        Assert.That(ex.Message, Does.StartWith("Cannot compose [2, 3] and [4, 5]."));
        ex = Assert.Throws<ArgumentException>(() => _ = a + b);
        Assert.That(ex!.ParamName, Is.EqualTo("right"));
        Assert.That(ex.Message, Does.StartWith("Cannot add [2, 3] and [4, 5]."));
    }

    // The eigensolver names an operator that is not self-adjoint with its shape, rows first (mutation round 17A).
    [Test]
    public void TheEigensolverNamesAnOperatorThatIsNotSelfAdjointWithItsShape()
    {
        using var scope = torch.NewDisposeScope();
        var a = new ByMatrix(torch.ones(2, 3, ScalarType.Float64));
        var ex = Assert.Throws<ArgumentException>(() => LanczosEigensolver.Solve(a, 1));
        Assert.That(ex!.ParamName, Is.EqualTo("op"));
        Assert.That(ex.Message, Does.StartWith("The eigensolver needs a self-adjoint operator; ByMatrix [2, 3] is not."));
    }

    private sealed class ByMatrix(Tensor m) : LinearOperator(m.shape[0], m.shape[1], m.device, m.dtype)
    {
        protected override Tensor MatMat(Tensor block) => m.mm(block);
    }

    [Test]
    public void AnInfiniteScaleIsRefused()
    {
        using var scope = torch.NewDisposeScope();
        using var op = new DenseSymmetricOperator(torch.eye(2, dtype: ScalarType.Float64));
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = double.PositiveInfinity * op);
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = double.NaN * op);
    }

    private sealed class ClaimedSymmetricOperator(Tensor m) : LinearOperator(m.shape[0], m.shape[1], m.device, m.dtype)
    {
        public override bool IsSelfAdjoint => true;
        protected override Tensor MatMat(Tensor block) => m.mm(block);
    }

    // Operators of the same width but another height do not add: the sum needs both sizes equal (mutation round 32A: a
    // check on the widths alone passed every test).
    [Test]
    public void OperatorsOfAnotherHeightAreNotAdded()
    {
        using var scope = torch.NewDisposeScope();
        var a = new ByMatrix(torch.ones(2, 3, ScalarType.Float64));
        var b = new ByMatrix(torch.ones(4, 3, ScalarType.Float64));
        var ex = Assert.Throws<ArgumentException>(() => _ = a + b);
        Assert.That(ex!.ParamName, Is.EqualTo("right"));
        Assert.That(ex.Message, Does.StartWith("Cannot add [2, 3] and [4, 3]."));
    }

    // (A·B + C)ᵀ = B·A + C: both terms are transposed, the first of which is not symmetric (mutation round 32A: a sum
    // whose left term was kept as it was passed, because every tested sum had a symmetric left term).
    [Test]
    public void TheAdjointOfASumIsTheSumOfTheAdjoints()
    {
        using var scope = torch.NewDisposeScope();
        var a = WithSpectrum(new[] { 3.0, 1.0, -2.0 }, seed: 22);
        var b = WithSpectrum(new[] { 1.0, 2.0, 3.0 }, seed: 23);
        var c = WithSpectrum(new[] { -1.0, 0.5, 4.0 }, seed: 24);
        using var opA = new DenseSymmetricOperator(a);
        using var opB = new DenseSymmetricOperator(b);
        using var opC = new DenseSymmetricOperator(c);
        var sum = opA * opB + opC;
        Assert.That(sum.IsSelfAdjoint, Is.False);
        var expected = b.mm(a) + c;
        Assert.That((a.mm(b) - b.mm(a)).abs().max().ToDouble(), Is.GreaterThan(1e-3), "A and B do not commute");
        Assert.That((sum.Adjoint.ToDense() - expected).abs().max().ToDouble(), Is.LessThan(1e-12));
    }
}
