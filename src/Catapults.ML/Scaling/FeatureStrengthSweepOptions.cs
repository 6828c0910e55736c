namespace Catapults.ML.Scaling;

/// <summary>
/// Options of a <see cref="FeatureStrengthSweep"/>: the γ grid and how each γ's learning-rate scan runs. Every default
/// is stated; <see cref="Validate"/> names a bad option.
/// </summary>
/// <remarks>
/// For each γ the scan starts at the lattice level at or above <see cref="StartingLearningRate"/>(γ) and walks down
/// one level at a time. The first rate that does not diverge is the first stable one; the scan goes on for
/// <see cref="DecadesBelowFirstStable"/> decades below it and stops. When the starting rate is already stable the scan
/// first walks up (at most <see cref="MaxDecadesAbove"/> decades) until a rate diverges, so the edge of stability is
/// bracketed whatever the starting guess. With <see cref="ContinueWhileImproving"/> the scan also goes on while its
/// lowest rate is the best so far. Every scan stops after <see cref="MaxCellsPerGamma"/> cells.
/// </remarks>
public sealed class FeatureStrengthSweepOptions
{
    /// <summary>The γ grid; default 9 points log-spaced from 10⁻² to 10² (half-decade steps).</summary>
    public double[] Gammas { get; set; } = LogGrid(0.01, 100, 9);

    /// <summary>Spacing Δ of the rate lattice η = 10^(kΔ), in decades; default 0.25 (four rates per decade).</summary>
    public double LevelSpacingDecades { get; set; } = 0.25;

    /// <summary>The rate each γ's scan starts from (it should diverge); required.</summary>
    public Func<double, double>? StartingLearningRate { get; set; }

    /// <summary>How far below the first stable rate each scan continues, in decades; default 1.</summary>
    public double DecadesBelowFirstStable { get; set; } = 1.0;

    /// <summary>
    /// Keep scanning below the <see cref="DecadesBelowFirstStable"/> window while the lowest rate run so far has the
    /// lowest loss, so that η* has a neighbour on each side (a finite step budget can favour small rates); default true.
    /// </summary>
    public bool ContinueWhileImproving { get; set; } = true;

    /// <summary>How far above its starting rate a scan may climb looking for divergence, in decades; default 3.</summary>
    public double MaxDecadesAbove { get; set; } = 3.0;

    /// <summary>Upper bound on the cells of one γ; default 40.</summary>
    public int MaxCellsPerGamma { get; set; } = 40;

    /// <summary>
    /// Half-width c, in decades, of the crossover band around γ = 1 left out of the slope fits: the lazy fit uses
    /// γ ≤ 10^(−c) and the rich fit γ ≥ 10^c (γ = 1 itself is in neither); default 0, i.e. the two sides γ &lt; 1 and
    /// γ &gt; 1. The predicted slopes are asymptotic (γ ≪ 1 and γ ≫ 1), so a band of about a decade keeps the crossover
    /// out of them.
    /// </summary>
    public double SlopeFitExclusionDecades { get; set; }

    /// <summary>
    /// Counts the catapults in a cell's batch-loss curve, filling <see cref="SweepCellResult.CatapultCount"/>; default
    /// null (counts left empty). The study wires the catapult detector here.
    /// </summary>
    public Func<IReadOnlyList<double>, int>? CatapultCounter { get; set; }

    /// <summary><paramref name="count"/> points log-spaced from <paramref name="min"/> to <paramref name="max"/>, both included.</summary>
    public static double[] LogGrid(double min, double max, int count)
    {
        if (!(min > 0) || !(max >= min) || !double.IsFinite(max))
            throw new ArgumentException($"A log grid needs 0 < min ≤ max, got {min} and {max}.");
        if (count < 1) throw new ArgumentOutOfRangeException(nameof(count), count, "A grid needs at least one point.");
        if (count == 1) return new[] { min };
        double a = Math.Log10(min), b = Math.Log10(max);
        return Enumerable.Range(0, count).Select(i => Math.Pow(10, a + (b - a) * i / (count - 1))).ToArray();
    }

    /// <summary>
    /// Throws <see cref="ArgumentException"/> naming the first invalid option, including a γ whose scan could reach a
    /// rate beyond 10^±300 (<see cref="LearningRateScan.RangeProblem"/>).
    /// </summary>
    public void Validate()
    {
        if (Gammas is null || Gammas.Length == 0) throw new ArgumentException("Gammas must hold at least one γ.", nameof(Gammas));
        for (int i = 0; i < Gammas.Length; i++)
            if (!double.IsFinite(Gammas[i]) || Gammas[i] <= 0) throw new ArgumentException($"Gammas[{i}] must be finite and positive, got {Gammas[i]}.", nameof(Gammas));
        if (Gammas.Distinct().Count() != Gammas.Length) throw new ArgumentException("Gammas must not repeat a value.", nameof(Gammas));
        if (!(LevelSpacingDecades > 0) || !double.IsFinite(LevelSpacingDecades))
            throw new ArgumentException($"LevelSpacingDecades must be finite and positive, got {LevelSpacingDecades}.", nameof(LevelSpacingDecades));
        if (StartingLearningRate is null) throw new ArgumentException("StartingLearningRate must be set (a rate that diverges at each γ).", nameof(StartingLearningRate));
        // Finite: the decade counts become level counts through an int cast, which saturates for +∞.
        if (!(DecadesBelowFirstStable >= 0) || !double.IsFinite(DecadesBelowFirstStable))
            throw new ArgumentException($"DecadesBelowFirstStable must be finite and ≥ 0, got {DecadesBelowFirstStable}.", nameof(DecadesBelowFirstStable));
        if (!(MaxDecadesAbove >= 0) || !double.IsFinite(MaxDecadesAbove))
            throw new ArgumentException($"MaxDecadesAbove must be finite and ≥ 0, got {MaxDecadesAbove}.", nameof(MaxDecadesAbove));
        if (!(SlopeFitExclusionDecades >= 0) || !double.IsFinite(SlopeFitExclusionDecades))
            throw new ArgumentException($"SlopeFitExclusionDecades must be finite and ≥ 0, got {SlopeFitExclusionDecades}.", nameof(SlopeFitExclusionDecades));
        if (MaxCellsPerGamma < 1) throw new ArgumentException($"MaxCellsPerGamma must be at least 1, got {MaxCellsPerGamma}.", nameof(MaxCellsPerGamma));
        foreach (double gamma in Gammas)
            if (LearningRateScan.RangeProblem(gamma, this) is { } problem)
                throw new ArgumentException(problem + "; change Gammas, StartingLearningRate, LevelSpacingDecades or MaxCellsPerGamma.", nameof(LevelSpacingDecades));
    }
}
