using Catapults.ML.Subspaces;
using Catapults.ML.Training;
using TorchSharp;
using static TorchSharp.torch;
using static Catapults.ML.Tests.Spectra.SpectraTestSupport;

namespace Catapults.ML.Tests.Subspaces;

/// <summary>
/// The subspace helpers at their edges: the alignment of a zero vector is undefined (NaN, not 0, which would read as
/// "orthogonal"), and a rank above the parameter count is refused naming the rank. Found by mutation testing (round 10B).
/// </summary>
public sealed class SubspaceEdgeTests
{
    [Test]
    public void TheAlignmentOfAZeroVectorIsNaN()
    {
        using var scope = torch.NewDisposeScope();
        var basis = torch.eye(4, dtype: ScalarType.Float64).narrow(1, 0, 2);
        Assert.That(SubspaceProjection.Alignment(torch.zeros(4, ScalarType.Float64), basis), Is.NaN);
        Assert.That(SubspaceProjection.Alignment(torch.tensor(new[] { 3.0, 0, 4, 0 }), basis), Is.EqualTo(0.6).Within(1e-12));
    }

    [Test]
    public void ARankAboveTheParameterCountIsRefusedByName()
    {
        using var scope = torch.NewDisposeScope();
        using var net = StandardLinear(3, seed: 1);
        using var data = RandomRegression(6, 3, seed: 2);
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() =>
            HessianEigenspace.Compute(0, net, data.Features, data.Targets, LossKind.MeanSquaredError, 5, null, null).Dispose());
        Assert.That(ex!.ParamName, Is.EqualTo("rank"));
    }

    // An integer vector would be projected and truncated back to integers (U Uᵀ [1, 1] onto a diagonal is [0, 0]): the
    // projections take floating-point tensors only, and say so.
    [Test]
    public void IntegerVectorsAndBasesAreRefused()
    {
        using var scope = torch.NewDisposeScope();
        var basis = torch.tensor(new[] { Math.Sqrt(0.5), Math.Sqrt(0.5) }).reshape(2, 1);
        var integers = torch.tensor(new long[] { 1, 1 });
        foreach (var call in new Action[]
        {
            () => SubspaceProjection.Dominant(integers, basis),
            () => SubspaceProjection.Bulk(integers, basis),
            () => SubspaceProjection.Alignment(integers, basis),
            () => SubspaceProjection.Dominant(torch.ones(2, ScalarType.Float64), torch.ones(2, 1, ScalarType.Int64)),
        })
            Assert.That(Assert.Throws<ArgumentException>(() => call())!.Message, Is.EqualTo("The vector and the basis must be floating point."));
    }

    // Found by mutation testing (round 18A): a flat basis [P] (one vector not shaped as a column) or a vector [P, 1] got
    // past the shape checks and failed inside libtorch's product instead of being refused by name.
    [Test]
    public void AVectorOrBasisOfTheWrongRankIsRefusedByName()
    {
        using var scope = torch.NewDisposeScope();
        var column = torch.tensor(new[] { 1.0, 0, 0, 0 }).reshape(4, 1);
        var ex = Assert.Throws<ArgumentException>(() => SubspaceProjection.Dominant(torch.ones(4, ScalarType.Float64), column.reshape(4)));
        Assert.That(ex!.ParamName, Is.EqualTo("basis"));
        Assert.That(ex.Message, Does.StartWith("The basis must be [4, k], got [4]."));
        ex = Assert.Throws<ArgumentException>(() => SubspaceProjection.Alignment(torch.ones(4, 1, ScalarType.Float64), column));
        Assert.That(ex!.ParamName, Is.EqualTo("vector"));
        Assert.That(ex.Message, Does.StartWith("The vector must be flat [P], got [4, 1]."));
    }
}
