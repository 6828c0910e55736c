namespace Catapults.ML.Spectra;

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
