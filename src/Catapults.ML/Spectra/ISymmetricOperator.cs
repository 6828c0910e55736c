using TorchSharp;
using static TorchSharp.torch;

namespace Catapults.ML.Spectra;

/// <summary>
/// A symmetric linear operator A on R^Dimension: the NTK K = J Jᵀ on the nO-dimensional output space of a sample
/// set, the loss Hessian on the P-dimensional parameter space, or a plain dense matrix. The one eigensolver,
/// <see cref="LanczosEigensolver"/>, works on this interface only.
/// </summary>
public interface ISymmetricOperator
{
    /// <summary>Dimension of the space the operator acts on (nO for a kernel, P for a parameter-space curvature).</summary>
    long Dimension { get; }

    /// <summary>Device the operator's tensors live on; vectors passed to <see cref="Apply"/> may live elsewhere.</summary>
    Device Device { get; }

    /// <summary>
    /// A·v for one vector v of shape [Dimension], or A·V column by column for a block V of shape [Dimension, k].
    /// Returns a new tensor of the input's shape and dtype on <see cref="Device"/>, in the caller's dispose scope.
    /// </summary>
    Tensor Apply(Tensor vectors);

    /// <summary>True when <see cref="ToDense"/> is cheap (the operator holds the matrix).</summary>
    bool HasDenseForm { get; }

    /// <summary>
    /// The matrix [Dimension, Dimension]. Operators without a dense form may build it column by column (Dimension
    /// applications of the operator) or throw <see cref="NotSupportedException"/>.
    /// </summary>
    Tensor ToDense();
}

/// <summary>
/// Convenience base of <see cref="ISymmetricOperator"/>: validates shapes, converts vectors to the operator's working
/// dtype and device and back, and applies a block column by column unless <see cref="ApplyBlock"/> is overridden.
/// </summary>
public abstract class SymmetricOperator : ISymmetricOperator
{
    /// <summary>Creates an operator of the given dimension whose products are computed in <paramref name="workingType"/> on <paramref name="device"/>.</summary>
    protected SymmetricOperator(long dimension, Device device, ScalarType workingType)
    {
        if (dimension < 1) throw new ArgumentOutOfRangeException(nameof(dimension), dimension, "An operator needs dimension ≥ 1.");
        Dimension = dimension;
        Device = device;
        WorkingType = workingType;
    }

    /// <inheritdoc />
    public long Dimension { get; }

    /// <inheritdoc />
    public Device Device { get; }

    /// <summary>The dtype the products are computed in (e.g. float32 for a network's NTK).</summary>
    public ScalarType WorkingType { get; }

    /// <inheritdoc />
    public virtual bool HasDenseForm => false;

    /// <inheritdoc />
    public Tensor Apply(Tensor vectors)
    {
        ArgumentNullException.ThrowIfNull(vectors);
        bool single = vectors.dim() == 1;
        if (!(single || vectors.dim() == 2) || vectors.shape[0] != Dimension)
            throw new ArgumentException(
                $"{GetType().Name} acts on vectors [{Dimension}] or blocks [{Dimension}, k], got [{string.Join(", ", vectors.shape)}].",
                nameof(vectors));
        if (!vectors.is_floating_point())
            throw new ArgumentException($"{GetType().Name} needs floating-point vectors, got {vectors.dtype}.", nameof(vectors));
        using var scope = torch.NewDisposeScope();
        var work = vectors.to(WorkingType, Device);
        Tensor result = single ? ApplyVector(work) : ApplyBlock(work);
        if (!result.shape.SequenceEqual(work.shape))
            throw new InvalidOperationException(
                $"{GetType().Name} returned [{string.Join(", ", result.shape)}] for input [{string.Join(", ", work.shape)}].");
        return result.to(vectors.dtype).MoveToOuterDisposeScope();
    }

    /// <summary>A·v for v [Dimension] in <see cref="WorkingType"/> on <see cref="Device"/>.</summary>
    protected abstract Tensor ApplyVector(Tensor vector);

    /// <summary>A·V for V [Dimension, k]; by default one <see cref="ApplyVector"/> per column.</summary>
    protected virtual Tensor ApplyBlock(Tensor block)
    {
        long k = block.shape[1];
        var columns = new Tensor[k];
        for (long j = 0; j < k; j++) columns[j] = ApplyVector(block[.., j].contiguous());
        return torch.stack(columns, 1);
    }

    /// <summary>Builds the matrix by applying the operator to the identity in blocks (Dimension products) unless overridden.</summary>
    public virtual Tensor ToDense()
    {
        const long chunk = 64;
        using var scope = torch.NewDisposeScope();
        var dense = torch.empty(new[] { Dimension, Dimension }, WorkingType, Device);
        for (long start = 0; start < Dimension; start += chunk)
        {
            using var inner = torch.NewDisposeScope();
            long count = Math.Min(chunk, Dimension - start);
            var block = torch.zeros(new[] { Dimension, count }, WorkingType, Device);
            for (long j = 0; j < count; j++) block[start + j, j] = 1.0;
            dense.narrow(1, start, count).copy_(ApplyBlock(block));
        }
        // Rounding makes the columns' products slightly asymmetric; the operator is symmetric by contract.
        return ((dense + dense.t()) * 0.5).MoveToOuterDisposeScope();
    }
}
