using Catapults.ML.Models;
using Catapults.ML.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Catapults.ML.Spectra;

/// <summary>
/// The Gauss–Newton matrix of the engine's MSE loss, G = (2/n) JᵀJ on the P-dimensional parameter space, where J is
/// the Jacobian of the stacked outputs [n·O] (L = 1/n Σᵢ‖f(xᵢ) − yᵢ‖² has output-space Hessian (2/n)I). Each product
/// is J v (double backward) followed by Jᵀ(J v) (one backward), through <see cref="JacobianOperator"/>. Its nonzero
/// spectrum is the NTK's K = JJᵀ scaled by 2/n; <see cref="GaussNewton.TopEigenpairsFromNtk"/> uses that.
/// </summary>
public sealed class GaussNewtonOperator : SymmetricOperator, IDisposable
{
    private readonly JacobianOperator _jacobian;
    private readonly double _scale;

    /// <summary>G at the model's current weights on <paramref name="inputs"/> [n, ...]; <paramref name="chunkSize"/> streams the Jacobian.</summary>
    public GaussNewtonOperator(NetworkModule model, Tensor inputs, int? chunkSize = null)
        : this(new JacobianOperator(model, inputs, chunkSize))
    {
    }

    private GaussNewtonOperator(JacobianOperator jacobian)
        : base(jacobian.ParameterCount, jacobian.Parameters[0].device, jacobian.Parameters[0].dtype)
    {
        _jacobian = jacobian;
        _scale = Losses.MseOutputCurvature(jacobian.SampleCount);
    }

    /// <summary>Number of samples n.</summary>
    public int SampleCount => _jacobian.SampleCount;

    /// <summary>The Jacobian the products go through.</summary>
    public JacobianOperator Jacobian => _jacobian;

    /// <summary>The factor 2/n between the NTK's eigenvalues and G's.</summary>
    public double Scale => _scale;

    /// <inheritdoc />
    protected override Tensor ApplyVector(Tensor vector)
    {
        using var scope = torch.NewDisposeScope();
        var ju = _jacobian.ApplyFlat(vector);
        return (_jacobian.TransposeApplyFlat(ju) * _scale).MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    public void Dispose() => _jacobian.Dispose();
}

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
            double norm = v.norm().ToDouble();
            columns[j] = norm > 0 && kernel.Values[j] > 0 ? v / norm : torch.zeros_like(v);
        }
        var vectors = torch.stack(columns, 1).cpu();
        return new GaussNewtonEigenpairs(kernel.Values.Select(l => scale * l).ToArray(), kernel.Values.ToArray(),
            vectors.MoveToOuterDisposeScope(), kernel.Vectors.cpu().MoveToOuterDisposeScope(), kernel.OperatorApplications);
    }
}

/// <summary>Gauss–Newton eigenpairs obtained from the NTK; owns its tensors.</summary>
public sealed class GaussNewtonEigenpairs : IDisposable
{
    internal GaussNewtonEigenpairs(double[] values, double[] kernelValues, Tensor vectors, Tensor kernelVectors, int kernelProducts)
    {
        Values = values;
        KernelValues = kernelValues;
        Vectors = vectors.DetachFromDisposeScope();
        KernelVectors = kernelVectors.DetachFromDisposeScope();
        KernelProducts = kernelProducts;
    }

    /// <summary>Eigenvalues of G, (2/n)λ, descending.</summary>
    public double[] Values { get; }

    /// <summary>The NTK eigenvalues λ they come from.</summary>
    public double[] KernelValues { get; }

    /// <summary>Unit eigenvectors of G in parameter space [P, k] float64 (CPU).</summary>
    public Tensor Vectors { get; }

    /// <summary>The NTK eigenvectors u [n·O, k] float64 (sample-major).</summary>
    public Tensor KernelVectors { get; }

    /// <summary>Kernel products the NTK solve took (0 when the kernel was formed and solved densely).</summary>
    public int KernelProducts { get; }

    /// <summary>Number of pairs.</summary>
    public int Count => Values.Length;

    /// <inheritdoc />
    public void Dispose()
    {
        Vectors.Dispose();
        KernelVectors.Dispose();
    }
}
