using Catapults.ML.Runtime;

namespace Catapults.ML.Spectra;

/// <summary>Options of <see cref="LanczosEigensolver"/>. Every default is stated; <see cref="Validate"/> names a bad option.</summary>
public sealed class LanczosOptions
{
    /// <summary>Which eigenvalues to find; default <see cref="SpectrumEnd.LargestAlgebraic"/>.</summary>
    public SpectrumEnd Which { get; set; } = SpectrumEnd.LargestAlgebraic;

    /// <summary>
    /// Number of vectors per Lanczos step; default null, meaning 1 (single-vector Lanczos, the fewest products: a
    /// block of p vectors costs p products per step and converges in barely fewer steps). A block of p vectors finds
    /// an eigenvalue of multiplicity up to p, where single-vector Lanczos sees one copy of a repeated eigenvalue only
    /// (as ARPACK does). Warm-start vectors beyond p are folded into the p start vectors.
    /// </summary>
    public int? BlockSize { get; set; }

    /// <summary>
    /// Largest Krylov basis kept before a thick restart; default null, meaning max(60, 2k + 4p) capped at the
    /// dimension. A smaller value is raised to k + 2p (k + 2p + 2 for <see cref="SpectrumEnd.LargestMagnitude"/>, whose
    /// wanted pairs lie at both ends of the spectrum). A basis far below the default restarts often and converges more
    /// slowly. Memory is Dimension × (basis + p) float64 numbers on the operator's device.
    /// </summary>
    public int? MaxBasisSize { get; set; }

    /// <summary>Maximum number of thick restarts; default 50.</summary>
    public int MaxRestarts { get; set; } = 50;

    /// <summary>
    /// Convergence tolerance on the Ritz residual estimate ‖A x − θ x‖ relative to the largest |Ritz value| (an
    /// estimate of ‖A‖); default 1e-6, at least <see cref="MinimumTolerance"/>. A float32 operator's own rounding (about
    /// 1e-7 relative) bounds what is reachable.
    /// </summary>
    public double Tolerance { get; set; } = 1e-6;

    /// <summary>
    /// The smallest <see cref="Tolerance"/> accepted, 1e-15: a few float64 roundings (2.2e-16 each) relative to ‖A‖, the
    /// floor of what the float64 recurrence can reach. A smaller tolerance is never met, so the solve would only spend
    /// all <see cref="MaxRestarts"/> restarts and report no convergence.
    /// </summary>
    public const double MinimumTolerance = 1e-15;

    /// <summary>
    /// When <see cref="ComputeResiduals"/> is set, a pair whose true relative residual exceeds this is reported as not
    /// converged; default 1e-4 (loose enough for float32 operators, tight enough to catch an operator that is not
    /// symmetric or not linear).
    /// </summary>
    public double ResidualTolerance { get; set; } = 1e-4;

    /// <summary>
    /// Whether to compute the true residuals ‖A x − θ x‖ after convergence, at k more operator products; default false.
    /// The Ritz estimates the iteration stops on are already exact residuals on the orthonormal basis (and show an
    /// operator that is not symmetric), so the check guards only against an operator that is not linear or not
    /// deterministic.
    /// </summary>
    public bool ComputeResiduals { get; set; }

    /// <summary>
    /// Whether to return eigenvectors; default true. Without them <see cref="EigenpairResult.Vectors"/> is empty
    /// ([Dimension, 0]); an iterative solve still builds the Ritz vectors internally, while a direct solve computes
    /// eigenvalues only (cheaper: the per-step critical learning rate of a small batch uses this).
    /// </summary>
    public bool ComputeVectors { get; set; } = true;

    /// <summary>Dense or iterative solve; default <see cref="EigensolverMode.Auto"/> (see <see cref="DenseThreshold"/>).</summary>
    public EigensolverMode Mode { get; set; } = EigensolverMode.Auto;

    /// <summary>
    /// Under <see cref="EigensolverMode.Auto"/>, operators with a dense form (<see cref="LinearOperator.HasDenseForm"/>)
    /// and at most this dimension are diagonalised directly (LAPACK in float64) instead of iterated: for a batch kernel
    /// of a few dozen samples that is far cheaper than any iteration; default 256. Set 0 to always iterate.
    /// </summary>
    public int DenseThreshold { get; set; } = 256;

    /// <summary>Seed of the random start and replacement vectors (own generator, never the global one); default 0.</summary>
    public long Seed { get; set; }

    /// <summary>Throw <see cref="EigensolverNotConvergedException"/> instead of returning unconverged pairs; default false.</summary>
    public bool ThrowIfNotConverged { get; set; }

    /// <summary>A shallow copy.</summary>
    public LanczosOptions Clone() => (LanczosOptions)MemberwiseClone();

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid option.</summary>
    public void Validate()
    {
        OptionChecks.RequireDefined(Which, nameof(Which), nameof(Which));
        OptionChecks.RequireDefined(Mode, nameof(Mode), nameof(Mode));
        if (BlockSize is int p && p < 1) throw new ArgumentException($"BlockSize must be at least 1, got {p}.", nameof(BlockSize));
        if (MaxBasisSize is int m && m < 2) throw new ArgumentException($"MaxBasisSize must be at least 2, got {m}.", nameof(MaxBasisSize));
        if (MaxRestarts < 0) throw new ArgumentException($"MaxRestarts must be ≥ 0, got {MaxRestarts}.", nameof(MaxRestarts));
        if (!(Tolerance > 0) || !double.IsFinite(Tolerance)) throw new ArgumentException($"Tolerance must be finite and positive, got {Tolerance}.", nameof(Tolerance));
        if (Tolerance < MinimumTolerance)
            throw new ArgumentException($"Tolerance must be at least {MinimumTolerance:G3} (float64 rounding; smaller is never reached), got {Tolerance:G3}.", nameof(Tolerance));
        if (!(ResidualTolerance > 0) || !double.IsFinite(ResidualTolerance))
            throw new ArgumentException($"ResidualTolerance must be finite and positive, got {ResidualTolerance}.", nameof(ResidualTolerance));
        if (DenseThreshold < 0) throw new ArgumentException($"DenseThreshold must be ≥ 0, got {DenseThreshold}.", nameof(DenseThreshold));
    }
}
