using Catapults.ML.Runtime;

namespace Catapults.ML.Spectra;

/// <summary>
/// A linear map A: R^InputSize → R^OutputSize given by its products only: the Jacobian J [nO, P] of a model, its
/// adjoint Jᵀ, the NTK J Jᵀ, the Gauss–Newton matrix (2/n) Jᵀ J, the loss Hessian, or a plain matrix. Rectangular
/// operators are first-class; square ones that equal their adjoint say so through <see cref="IsSelfAdjoint"/>.
/// Operators compose: <c>a * b</c> is A·B, <c>a + b</c> is A + B and <c>s * a</c> is s·A, each applied through its
/// parts' products. Algorithms (the eigensolver, <see cref="ToDense"/>) accept any operator.
/// </summary>
/// <remarks>
/// A subclass writes only <see cref="MatMat"/> (and <see cref="CreateAdjoint"/> when its adjoint is not itself); the
/// base checks shapes, converts vectors to the operator's working dtype and device and back, and builds dense forms.
/// </remarks>
public abstract class LinearOperator
{
    private LinearOperator? _adjoint;

    /// <summary>An operator from R^<paramref name="inputSize"/> to R^<paramref name="outputSize"/> computing in <paramref name="workingType"/> on <paramref name="device"/>.</summary>
    protected LinearOperator(long outputSize, long inputSize, Device device, ScalarType workingType)
    {
        if (outputSize < 1 || inputSize < 1)
            throw new ArgumentOutOfRangeException(outputSize < 1 ? nameof(outputSize) : nameof(inputSize), "An operator needs sizes ≥ 1.");
        (OutputSize, InputSize, Device, WorkingType) = (outputSize, inputSize, device, workingType);
    }

    /// <summary>Rows: the size of the space the operator maps into.</summary>
    public long OutputSize { get; }

    /// <summary>Columns: the size of the space the operator acts on.</summary>
    public long InputSize { get; }

    /// <summary>The size of a square operator's space (nO for a kernel, P for a parameter-space curvature).</summary>
    public long Dimension => InputSize == OutputSize
        ? InputSize
        : throw new InvalidOperationException($"{GetType().Name} is rectangular ([{OutputSize}, {InputSize}]); it has no single dimension.");

    /// <summary>Device the operator's tensors live on; vectors passed to <see cref="Apply"/> may live elsewhere.</summary>
    public Device Device { get; }

    /// <summary>The dtype the products are computed in (e.g. float32 for a network's NTK).</summary>
    public ScalarType WorkingType { get; }

    /// <summary>True when the operator is square and equal to its adjoint (the NTK, curvature matrices).</summary>
    public virtual bool IsSelfAdjoint => false;

    /// <summary>Aᵀ, sharing this operator's resources (itself when <see cref="IsSelfAdjoint"/>).</summary>
    public LinearOperator Adjoint => IsSelfAdjoint ? this : _adjoint ??= CreateAdjoint();

    /// <summary>True when <see cref="ToDense"/> is cheap because the operator holds its matrix or forms it directly.</summary>
    public virtual bool HasDenseForm => false;

    /// <summary>
    /// A·v for one vector v [InputSize], or A·V column by column for a block V [InputSize, k]. Returns a new tensor
    /// [OutputSize] or [OutputSize, k] in the input's dtype on <see cref="Device"/>, in the caller's dispose scope.
    /// </summary>
    public Tensor Apply(Tensor vectors)
    {
        ArgumentNullException.ThrowIfNull(vectors);
        bool single = vectors.dim() == 1;
        if (!(single || vectors.dim() == 2) || vectors.shape[0] != InputSize)
            throw new ArgumentException(
                $"{GetType().Name} acts on vectors [{InputSize}] or blocks [{InputSize}, k], got [{string.Join(", ", vectors.shape)}].",
                nameof(vectors));
        if (!vectors.is_floating_point())
            throw new ArgumentException($"{GetType().Name} needs floating-point vectors, got {vectors.dtype}.", nameof(vectors));
        using var scope = torch.NewDisposeScope();
        var block = single ? vectors.unsqueeze(1) : vectors;
        var result = Multiply(block);
        if (result.dim() != 2 || result.shape[0] != OutputSize || result.shape[1] != block.shape[1])
            throw new InvalidOperationException(
                $"{GetType().Name} returned [{string.Join(", ", result.shape)}] for input [{string.Join(", ", block.shape)}].");
        return (single ? result.squeeze(1) : result).to(vectors.dtype).MoveToOuterDisposeScope();
    }

    /// <summary>The matrix [OutputSize, InputSize], built from InputSize products unless the operator holds it.</summary>
    public virtual Tensor ToDense()
    {
        const long chunk = 64;
        using var scope = torch.NewDisposeScope();
        var dense = torch.empty(new[] { OutputSize, InputSize }, WorkingType, Device);
        for (long start = 0; start < InputSize; start += chunk)
        {
            using var inner = torch.NewDisposeScope();
            long count = Math.Min(chunk, InputSize - start);
            var block = torch.zeros(new[] { InputSize, count }, WorkingType, Device);
            for (long j = 0; j < count; j++) block[start + j, j] = 1.0;
            dense.narrow(1, start, count).copy_(MatMat(block));
        }
        // Rounding makes the columns' products slightly asymmetric; a self-adjoint operator is symmetric by contract.
        return (IsSelfAdjoint ? KeptScalars.HalfSum(dense, dense.t()) : dense).MoveToOuterDisposeScope();
    }

    /// <summary>A·V for a block V [InputSize, k] already in <see cref="WorkingType"/> on <see cref="Device"/>; returns [OutputSize, k].</summary>
    protected abstract Tensor MatMat(Tensor block);

    /// <summary>Aᵀ for operators that are not self-adjoint; the default says the operator has none.</summary>
    protected virtual LinearOperator CreateAdjoint() =>
        throw new NotSupportedException($"{GetType().Name} does not provide its adjoint.");

    /// <summary>A block product for composites: converts to this operator's dtype and device, no shape checks.</summary>
    internal Tensor Multiply(Tensor block) => MatMat(block.to(WorkingType, Device));

    /// <summary>A·V one column at a time, for operators whose products take one vector (autograd products).</summary>
    protected static Tensor ByColumns(Tensor block, Func<Tensor, Tensor> product)
    {
        var columns = new Tensor[block.shape[1]];
        for (long j = 0; j < columns.Length; j++) columns[j] = product(block[.., j].contiguous());
        return torch.stack(columns, 1);
    }

    /// <summary>The product A·B (B applied first).</summary>
    public static LinearOperator operator *(LinearOperator left, LinearOperator right) => new Product(left, right);

    /// <summary>The sum A + B of two operators of the same shape.</summary>
    public static LinearOperator operator +(LinearOperator left, LinearOperator right) => new Sum(left, right);

    /// <summary>The scaled operator s·A.</summary>
    public static LinearOperator operator *(double scale, LinearOperator op) => new Scaled(scale, op);

    // A product or a sum: two operands whose shapes must fit.
    private abstract class Binary : LinearOperator
    {
        protected Binary(LinearOperator left, LinearOperator right, bool product)
            : base(Fitting(left, right, product).OutputSize, right.InputSize, left.Device, left.WorkingType)
        {
            Left = left;
            Right = right;
        }

        protected LinearOperator Left { get; }

        protected LinearOperator Right { get; }

        private static LinearOperator Fitting(LinearOperator left, LinearOperator right, bool product)
        {
            ArgumentNullException.ThrowIfNull(left);
            ArgumentNullException.ThrowIfNull(right);
            bool fits = product
                ? left.InputSize == right.OutputSize
                : left.InputSize == right.InputSize && left.OutputSize == right.OutputSize;
            if (!fits)
                throw new ArgumentException(
                    $"Cannot {(product ? "compose" : "add")} [{left.OutputSize}, {left.InputSize}] and [{right.OutputSize}, {right.InputSize}].", nameof(right));
            return left;
        }
    }

    private sealed class Product(LinearOperator left, LinearOperator right) : Binary(left, right, product: true)
    {
        // A·Aᵀ and Aᵀ·A are symmetric whatever A is (an adjoint not yet created cannot be a factor), and so is S·S.
        public override bool IsSelfAdjoint =>
            ReferenceEquals(Right, Left._adjoint) || ReferenceEquals(Left, Right._adjoint) || (ReferenceEquals(Left, Right) && Left.IsSelfAdjoint);

        protected override Tensor MatMat(Tensor block) => Left.Multiply(Right.Multiply(block));

        protected override LinearOperator CreateAdjoint() => new Product(Right.Adjoint, Left.Adjoint);
    }

    private sealed class Sum(LinearOperator left, LinearOperator right) : Binary(left, right, product: false)
    {
        public override bool IsSelfAdjoint => Left.IsSelfAdjoint && Right.IsSelfAdjoint;

        protected override Tensor MatMat(Tensor block) => KeptScalars.Plus(Left.Multiply(block), Right.Multiply(block).to(WorkingType, Device));

        protected override LinearOperator CreateAdjoint() => new Sum(Left.Adjoint, Right.Adjoint);
    }

    private sealed class Scaled : LinearOperator
    {
        private readonly double _scale;
        private readonly LinearOperator _inner;

        public Scaled(double scale, LinearOperator inner)
            : base((inner ?? throw new ArgumentNullException(nameof(inner))).OutputSize, inner.InputSize, inner.Device, inner.WorkingType)
        {
            if (!double.IsFinite(scale)) throw new ArgumentOutOfRangeException(nameof(scale), scale, "The scale must be finite.");
            _scale = scale;
            _inner = inner;
        }

        public override bool IsSelfAdjoint => _inner.IsSelfAdjoint;

        protected override Tensor MatMat(Tensor block) => KeptScalars.Times(_inner.Multiply(block), _scale);

        protected override LinearOperator CreateAdjoint() => new Scaled(_scale, _inner.Adjoint);
    }
}
