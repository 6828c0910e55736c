using Catapults.ML.Models;
using Catapults.ML.Spectra;
using Catapults.ML.Tests.Support;
using TorchSharp;
using static TorchSharp.torch;
using static Catapults.ML.Tests.Spectra.SpectraTestSupport;

namespace Catapults.ML.Tests.Spectra;

/// <summary>
/// What the operators take from their callers: a dense operator refuses a matrix with NaN, and the NTK operator chooses
/// its block size without writing it into the caller's Lanczos options. Found by mutation testing (6 Dec 2026). An operator
/// written outside the library is held to its sizes: it cannot be built with an empty side, and a product of the wrong
/// width is refused (mutation round 13A).
/// </summary>
public sealed class OperatorInputContractTests
{
    [Test]
    public void DenseOperatorRefusesANaNMatrix()
    {
        using var m = torch.tensor(new double[] { 1, double.NaN, double.NaN, 1 }).reshape(2, 2);
        Assert.Throws<ArgumentException>(() => new DenseSymmetricOperator(m).Dispose());
    }

    [Test]
    public void CallersLanczosOptionsKeepTheirBlockSize()
    {
        using var scope = torch.NewDisposeScope();
        using var net = Nets.TwoLayer(3, 5, seed: 1, bias: true, act: ActivationKind.Tanh, outputs: 2);
        var x = Inputs(6, 3, seed: 2);
        var options = new LanczosOptions();
        using var op = NeuralTangentKernel.CreateOperator(net, x, new NtkOptions { Method = NtkMethod.MatrixFree });
        using var result = op.TopEigenpairs(2, options);
        Assert.That(options.BlockSize, Is.Null, "the caller's options must not be modified");
    }

    // An operator of the given sizes whose product keeps only the first k − 1 columns of a block of k (at least one).
    private sealed class DropsAColumn(long output, long input) : LinearOperator(output, input, torch.CPU, ScalarType.Float64)
    {
        protected override Tensor MatMat(Tensor block) => block.narrow(1, 0, Math.Max(1, block.shape[1] - 1)).clone();
    }

    [Test]
    public void AnOperatorNeedsBothSizesAtLeastOne()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => _ = new DropsAColumn(3, 0));
        Assert.That(ex!.ParamName, Is.EqualTo("inputSize"));
        ex = Assert.Throws<ArgumentOutOfRangeException>(() => _ = new DropsAColumn(0, 3));
        Assert.That(ex!.ParamName, Is.EqualTo("outputSize"));
        Assert.That(new DropsAColumn(1, 1).Dimension, Is.EqualTo(1));
    }

    [Test]
    public void AProductWithAnotherNumberOfColumnsIsRefused()
    {
        using var scope = torch.NewDisposeScope();
        var op = new DropsAColumn(3, 3);
        Assert.That(op.Apply(torch.ones(3, ScalarType.Float64)).shape, Is.EqualTo(new long[] { 3 }), "one column in, one out");
        var ex = Assert.Throws<InvalidOperationException>(() => op.Apply(torch.ones(3, 2, ScalarType.Float64)));
        Assert.That(ex!.Message, Is.EqualTo("DropsAColumn returned [3, 1] for input [3, 2]."));
    }

    // An operator acts on vectors [n] and blocks [n, k] only: a tensor of three dimensions with the right leading size is
    // refused by name with its shape, not passed on to the subclass's matrix product (mutation round 23A).
    [Test]
    public void AThreeDimensionalInputIsRefusedByName()
    {
        using var scope = torch.NewDisposeScope();
        using var op = new DenseSymmetricOperator(torch.eye(3, dtype: ScalarType.Float64));
        var ex = Assert.Throws<ArgumentException>(() => op.Apply(torch.ones(3, 2, 1, ScalarType.Float64)));
        Assert.That(ex!.ParamName, Is.EqualTo("vectors"));
        Assert.That(ex.Message, Does.StartWith("DenseSymmetricOperator acts on vectors [3] or blocks [3, k], got [3, 2, 1]."));
    }

    // An operator of the given sizes whose product has one row more than its OutputSize.
    private sealed class AddsARow(long size) : LinearOperator(size, size, torch.CPU, ScalarType.Float64)
    {
        protected override Tensor MatMat(Tensor block) => torch.cat(new[] { block, torch.zeros(1, block.shape[1], ScalarType.Float64) });
    }

    // A product with more rows than the operator declares is refused with both shapes, as one with the wrong number of
    // columns is (mutation round 32A: only the columns were checked by a test).
    [Test]
    public void AProductWithAnotherNumberOfRowsIsRefused()
    {
        using var scope = torch.NewDisposeScope();
        var op = new AddsARow(3);
        var ex = Assert.Throws<InvalidOperationException>(() => op.Apply(torch.ones(3, 2, ScalarType.Float64)));
        Assert.That(ex!.Message, Is.EqualTo("AddsARow returned [4, 2] for input [3, 2]."));
    }

    // A dense operator takes a square floating-point matrix and says which of the two a matrix is not (mutation round 32A:
    // without the checks a [2, 3] matrix reached libtorch's subtraction and an integer one was accepted).
    [Test]
    public void ADenseOperatorNeedsASquareFloatingPointMatrix()
    {
        using var scope = torch.NewDisposeScope();
        var ex = Assert.Throws<ArgumentException>(() => new DenseSymmetricOperator(torch.ones(2, 3, ScalarType.Float64)).Dispose());
        Assert.That(ex!.ParamName, Is.EqualTo("matrix"));
        Assert.That(ex.Message, Does.StartWith("A dense operator needs a square matrix, got [2, 3]."));
        ex = Assert.Throws<ArgumentException>(() => new DenseSymmetricOperator(torch.eye(3, dtype: ScalarType.Int64)).Dispose());
        Assert.That(ex!.ParamName, Is.EqualTo("matrix"));
        Assert.That(ex.Message, Does.StartWith("A dense operator needs a floating-point matrix, got Int64."));
    }

    // The operator keeps its own reference to the matrix, so the caller may dispose the tensor it passed: the products
    // are still those of diag(3, 2, 1) (mutation round 32A: keeping the caller's tensor itself passed every test).
    [Test]
    public void ADenseOperatorOutlivesTheCallersTensor()
    {
        using var scope = torch.NewDisposeScope();
        var matrix = torch.diag(torch.tensor(new[] { 3.0, 2, 1 }));
        using var op = new DenseSymmetricOperator(matrix);
        matrix.Dispose();
        var product = op.Apply(torch.ones(3, ScalarType.Float64));
        Assert.That(product.data<double>().ToArray(), Is.EqualTo(new[] { 3.0, 2, 1 }));
    }
}
