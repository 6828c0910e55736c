namespace Catapults.ML.Spectra;

/// <summary>
/// The empirical NTK K = J Jᵀ [nO, nO] of a model on a sample set (sample-major indices i·O + c), behind one
/// operator whichever <see cref="NtkMethod"/> built it: a formed kernel or the composition J·Jᵀ. Dispose it to
/// release the kernel or the graph.
/// </summary>
public sealed class NtkOperator : ComposedOperator
{
    internal NtkOperator(LinearOperator inner, IDisposable owned, NtkMethod method, int sampleCount, int outputCount)
        : base(inner, owned)
    {
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
    public Tensor? Kernel => (Composition as DenseSymmetricOperator)?.Matrix;

    /// <summary>
    /// The top <paramref name="count"/> eigenpairs of K. Unless <paramref name="options"/> sets a block size, a network
    /// of O &gt; 1 outputs is solved with blocks of min(O, count) vectors: its kernel is near K₀ ⊗ I_O at initialisation
    /// (exactly so for a linear network), so its top eigenvalues come in up to O near-copies, and single-vector Lanczos
    /// sees one copy of an eigenvalue repeated to rounding.
    /// </summary>
    public EigenpairResult TopEigenpairs(int count, LanczosOptions? options = null, Tensor? warmStart = null)
    {
        var o = options ?? new LanczosOptions();
        if (o.BlockSize is null && OutputCount > 1 && count > 1)
        {
            o = o.Clone();
            o.BlockSize = Math.Min(OutputCount, count);
        }
        return LanczosEigensolver.Solve(this, count, o, warmStart);
    }

    /// <summary>The Jacobian products when the method is matrix-free, else null.</summary>
    public JacobianOperator? Jacobian => (Composition as MatrixFreeNtkOperator)?.Jacobian;
}
