using Catapults.ML.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Catapults.ML.Spectra;

/// <summary>The NTK of a model on a sample set as a matrix-free operator: K·v = J(Jᵀv), one VJP and one double-backward product per vector.</summary>
public sealed class MatrixFreeNtkOperator : SymmetricOperator, IDisposable
{
    private readonly JacobianOperator _jacobian;

    /// <summary>
    /// Builds the operator at the model's current weights; the forward graph is kept until <see cref="Dispose"/>
    /// (or rebuilt per product, <paramref name="chunkSize"/> samples at a time, when a chunk size is given).
    /// </summary>
    public MatrixFreeNtkOperator(NetworkModule model, Tensor inputs, int? chunkSize = null) : this(new JacobianOperator(model, inputs, chunkSize)) { }

    private MatrixFreeNtkOperator(JacobianOperator jacobian)
        : base(jacobian.OutputDimension, jacobian.Parameters[0].device, jacobian.Parameters[0].dtype)
    {
        _jacobian = jacobian;
    }

    /// <summary>The Jacobian the products go through (reusable for Jᵀv and Ju on the same inputs).</summary>
    public JacobianOperator Jacobian => _jacobian;

    /// <inheritdoc />
    protected override Tensor ApplyVector(Tensor vector)
    {
        using var scope = torch.NewDisposeScope();
        var parameterSpace = _jacobian.TransposeApply(vector);
        return _jacobian.Apply(parameterSpace).reshape(-1).MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    public void Dispose() => _jacobian.Dispose();
}

/// <summary>
/// The empirical NTK K = J Jᵀ [nO, nO] of a model on a sample set (sample-major indices i·O + c), behind one
/// operator interface whichever <see cref="NtkMethod"/> built it. Dispose it to release the kernel or the graph.
/// </summary>
public sealed class NtkOperator : ISymmetricOperator, IDenseMatrixView, IDisposable
{
    private readonly ISymmetricOperator _inner;
    private readonly IDisposable _owned;

    internal NtkOperator(ISymmetricOperator inner, IDisposable owned, NtkMethod method, int sampleCount, int outputCount)
    {
        _inner = inner;
        _owned = owned;
        Method = method;
        SampleCount = sampleCount;
        OutputCount = outputCount;
    }

    /// <summary>The method that built the operator (never <see cref="NtkMethod.Auto"/>).</summary>
    public NtkMethod Method { get; }

    /// <summary>Number of samples n.</summary>
    public int SampleCount { get; }

    /// <summary>Number of outputs O.</summary>
    public int OutputCount { get; }

    /// <summary>The kernel matrix when the method formed it (explicit or layer-wise), else null. Owned by the operator.</summary>
    public Tensor? Kernel => (_inner as DenseSymmetricOperator)?.Matrix;

    Tensor? IDenseMatrixView.DenseMatrix => Kernel;

    /// <summary>The Jacobian products when the method is matrix-free, else null.</summary>
    public JacobianOperator? Jacobian => (_inner as MatrixFreeNtkOperator)?.Jacobian;

    /// <inheritdoc />
    public long Dimension => _inner.Dimension;

    /// <inheritdoc />
    public Device Device => _inner.Device;

    /// <inheritdoc />
    public Tensor Apply(Tensor vectors) => _inner.Apply(vectors);

    /// <inheritdoc />
    public bool HasDenseForm => _inner.HasDenseForm;

    /// <inheritdoc />
    public Tensor ToDense() => _inner.ToDense();

    /// <inheritdoc />
    public void Dispose() => _owned.Dispose();
}
