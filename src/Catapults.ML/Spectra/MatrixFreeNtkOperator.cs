using Catapults.ML.Models;

namespace Catapults.ML.Spectra;

/// <summary>
/// The NTK of a model on a sample set as the composition K = J·Jᵀ: one vector-Jacobian product and one double-backward
/// product per vector (for a dense layer chain, products from its linearisation; see <see cref="JacobianOperator"/>),
/// never forming K.
/// </summary>
public sealed class MatrixFreeNtkOperator : ComposedOperator
{
    /// <summary>
    /// Builds the operator at the model's current weights; the forward graph is kept until <see cref="ComposedOperator.Dispose"/>
    /// (or rebuilt per product, <paramref name="chunkSize"/> samples at a time, when a chunk size is given).
    /// </summary>
    public MatrixFreeNtkOperator(NetworkModule model, Tensor inputs, int? chunkSize = null) : this(new JacobianOperator(model, inputs, chunkSize)) { }

    private MatrixFreeNtkOperator(JacobianOperator jacobian) : base(jacobian * jacobian.Adjoint, jacobian) => Jacobian = jacobian;

    /// <summary>The Jacobian the products go through (reusable for Jᵀv and Ju on the same inputs).</summary>
    public JacobianOperator Jacobian { get; }
}
