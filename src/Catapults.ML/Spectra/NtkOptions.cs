namespace Catapults.ML.Spectra;

/// <summary>How the empirical NTK K = J Jᵀ is computed.</summary>
public enum NtkMethod
{
    /// <summary>Pick the cheapest applicable method that fits <see cref="NtkOptions.MemoryBudgetBytes"/> (see <see cref="NeuralTangentKernel.EstimateCosts"/>).</summary>
    Auto,

    /// <summary>Form J [nO, P] explicitly (one backward per output row), then K = J Jᵀ. Any model; small problems.</summary>
    ExplicitJacobian,

    /// <summary>Exact layer-by-layer kernel of a <see cref="Models.FullyConnectedNetwork"/> (O backward sweeps, batched over samples).</summary>
    LayerWise,

    /// <summary>Never form K: K·v = J(Jᵀv) with one vector-Jacobian product and one double-backward product. Any model; least memory.</summary>
    MatrixFree,
}

/// <summary>Options of the NTK computations. Every default is stated.</summary>
public sealed class NtkOptions
{
    /// <summary>The method; default <see cref="NtkMethod.Auto"/>. Setting another forces it.</summary>
    public NtkMethod Method { get; set; } = NtkMethod.Auto;

    /// <summary>
    /// Memory the automatic choice may plan for, in bytes; default 2 GiB. A method whose estimate exceeds it is
    /// passed over; when none fits, the matrix-free method (the least memory) is used.
    /// </summary>
    public long MemoryBudgetBytes { get; set; } = 2L << 30;

    /// <summary>
    /// Samples per forward graph for the matrix-free method; default null, meaning all samples in one graph kept
    /// for the operator's lifetime (fastest). Set it when that graph does not fit in memory (large image models):
    /// each product then recomputes the chunks' forward passes.
    /// </summary>
    public int? ChunkSize { get; set; }

    /// <summary>A shallow copy.</summary>
    public NtkOptions Clone() => (NtkOptions)MemberwiseClone();

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid option.</summary>
    public void Validate()
    {
        if (!Enum.IsDefined(Method)) throw new ArgumentException($"Method must be an NtkMethod, got {Method}.", nameof(Method));
        if (ChunkSize is int c && c < 1) throw new ArgumentException($"ChunkSize must be at least 1, got {c}.", nameof(ChunkSize));
        if (MemoryBudgetBytes < 1) throw new ArgumentException($"MemoryBudgetBytes must be positive, got {MemoryBudgetBytes}.", nameof(MemoryBudgetBytes));
    }
}

/// <summary>A rough cost estimate of one NTK method for a problem size (used by <see cref="NtkMethod.Auto"/>).</summary>
/// <param name="Method">The method.</param>
/// <param name="Applicable">False when the method cannot be used on the model (layer-wise needs a fully connected network).</param>
/// <param name="Work">Estimated work in floating-point operations, with a fixed charge per autograd call.</param>
/// <param name="Bytes">Estimated peak memory of the method's own tensors.</param>
public sealed record NtkCostEstimate(NtkMethod Method, bool Applicable, double Work, double Bytes);
