using Catapults.ML.Runtime;
using Catapults.ML.Models;
using Catapults.ML.Training;

namespace Catapults.ML.Spectra;

/// <summary>Top Gauss–Newton eigenpairs through the NTK (n·O-dimensional) instead of the P-dimensional operator.</summary>
public static class GaussNewton
{
    /// <summary>
    /// The top <paramref name="count"/> eigenpairs of G = (2/n)JᵀJ from the NTK's: if K u = λ u with ‖u‖ = 1, then
    /// v = Jᵀu/‖Jᵀu‖ (‖Jᵀu‖ = √λ) is a unit eigenvector of G with eigenvalue (2/n)λ. Returns eigenvalues (descending)
    /// and eigenvectors [P, count] float64; pairs whose kernel eigenvalue is not positive get a zero vector.
    /// </summary>
    public static GaussNewtonEigenpairs TopEigenpairsFromNtk(NetworkModule model, Tensor inputs, int count, NtkOptions? ntk = null,
        LanczosOptions? lanczos = null, Tensor? warmStart = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(inputs);
        using var scope = torch.NewDisposeScope();
        using var kernel = NeuralTangentKernel.TopEigenpairs(model, inputs, count, ntk, lanczos, warmStart);
        using var jacobian = new JacobianOperator(model, inputs, ntk?.ChunkSize);
        double scale = Losses.MseOutputCurvature(jacobian.SampleCount);
        var u = kernel.Vectors.to(jacobian.Parameters[0].dtype, jacobian.Parameters[0].device);
        var columns = new Tensor[kernel.Count];
        for (int j = 0; j < kernel.Count; j++)
        {
            var v = jacobian.TransposeApplyFlat(u[.., j].contiguous()).to(ScalarType.Float64);
            double norm = v.norm().ReadDouble();
            columns[j] = norm > 0 && kernel.Values[j] > 0 ? KeptScalars.DividedBy(v, norm) : torch.zeros_like(v);
        }
        var vectors = torch.stack(columns, 1).cpu();
        return new GaussNewtonEigenpairs(kernel.Values.Select(l => scale * l).ToArray(), kernel.Values.ToArray(),
            vectors.MoveToOuterDisposeScope(), kernel.Vectors.cpu().MoveToOuterDisposeScope(), kernel.OperatorApplications);
    }
}
