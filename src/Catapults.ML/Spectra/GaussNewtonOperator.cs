using Catapults.ML.Models;
using Catapults.ML.Training;

namespace Catapults.ML.Spectra;

/// <summary>
/// The Gauss–Newton matrix of the engine's MSE loss, G = (2/n) JᵀJ on the P-dimensional parameter space, composed
/// from the Jacobian J of the stacked outputs [n·O] (L = 1/n Σᵢ‖f(xᵢ) − yᵢ‖² has output-space Hessian (2/n)I). Each
/// product is J v (double backward) followed by Jᵀ(J v) (one backward). Its nonzero spectrum is the NTK's K = JJᵀ
/// scaled by 2/n; <see cref="GaussNewton.TopEigenpairsFromNtk"/> uses that.
/// </summary>
public sealed class GaussNewtonOperator : ComposedOperator
{
    /// <summary>G at the model's current weights on <paramref name="inputs"/> [n, ...]; <paramref name="chunkSize"/> streams the Jacobian.</summary>
    public GaussNewtonOperator(NetworkModule model, Tensor inputs, int? chunkSize = null)
        : this(new JacobianOperator(model, inputs, chunkSize))
    {
    }

    private GaussNewtonOperator(JacobianOperator jacobian)
        : base(Losses.MseOutputCurvature(jacobian.SampleCount) * (jacobian.Adjoint * jacobian), jacobian)
    {
        Jacobian = jacobian;
        Scale = Losses.MseOutputCurvature(jacobian.SampleCount);
    }

    /// <summary>Number of samples n.</summary>
    public int SampleCount => Jacobian.SampleCount;

    /// <summary>The Jacobian the products go through.</summary>
    public JacobianOperator Jacobian { get; }

    /// <summary>The factor 2/n between the NTK's eigenvalues and G's.</summary>
    public double Scale { get; }
}
