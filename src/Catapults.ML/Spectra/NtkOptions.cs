using Catapults.ML.Runtime;

namespace Catapults.ML.Spectra;

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
        OptionChecks.RequireDefined(Method, nameof(Method), nameof(Method));
        if (ChunkSize is int c && c < 1) throw new ArgumentException($"ChunkSize must be at least 1, got {c}.", nameof(ChunkSize));
        if (MemoryBudgetBytes < 1) throw new ArgumentException($"MemoryBudgetBytes must be positive, got {MemoryBudgetBytes}.", nameof(MemoryBudgetBytes));
    }
}
