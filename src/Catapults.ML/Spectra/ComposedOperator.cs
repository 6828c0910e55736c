namespace Catapults.ML.Spectra;

/// <summary>
/// A named operator defined as a composition of others (the NTK J·Jᵀ, the Gauss–Newton matrix (2/n)·Jᵀ·J) that owns
/// what its parts share (the Jacobian's graph) and releases it on <see cref="Dispose"/>. Products, adjoint and dense
/// form are the composition's.
/// </summary>
public abstract class ComposedOperator : LinearOperator, IDisposable
{
    private readonly IDisposable _owned;

    /// <summary>Wraps <paramref name="composition"/>, taking ownership of <paramref name="owned"/>.</summary>
    protected ComposedOperator(LinearOperator composition, IDisposable owned)
        : base((composition ?? throw new ArgumentNullException(nameof(composition))).OutputSize, composition.InputSize,
            composition.Device, composition.WorkingType)
    {
        Composition = composition;
        _owned = owned ?? throw new ArgumentNullException(nameof(owned));
    }

    /// <summary>The operator this one stands for.</summary>
    protected LinearOperator Composition { get; }

    /// <inheritdoc />
    public override bool IsSelfAdjoint => Composition.IsSelfAdjoint;

    /// <inheritdoc />
    public override bool HasDenseForm => Composition.HasDenseForm;

    /// <inheritdoc />
    public override Tensor ToDense() => Composition.ToDense();

    /// <inheritdoc />
    protected override Tensor MatMat(Tensor block) => Composition.Multiply(block);

    /// <inheritdoc />
    protected override LinearOperator CreateAdjoint() => Composition.Adjoint;

    /// <summary>Releases the owned resources (the Jacobian's graph, a formed kernel).</summary>
    public void Dispose()
    {
        _owned.Dispose();
        GC.SuppressFinalize(this);
    }
}
