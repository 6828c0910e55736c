namespace Catapults.ML.Scaling;

/// <summary>
/// The γ–η sweep: for each γ of the grid, a learning-rate scan down a logarithmic lattice that brackets the edge of
/// stability (divergence is the engine's <see cref="Training.TrainingOutcome.Diverged"/>) and continues a set number
/// of decades below it; then η*(γ), the rate with the lowest final loss, and least-squares slopes of log η* against
/// log γ on both sides of γ = 1 (the paper predicts 2 for γ ≪ 1 and 2/L for γ ≫ 1; see
/// <see cref="FeatureStrengthSweepOptions.SlopeFitExclusionDecades"/>).
/// </summary>
/// <remarks>
/// The engine keeps the numerics: choosing η* per γ, refining it below the lattice spacing, and the slope fits. Running
/// the scans (executors, stores of finished cells, resuming) is the study's.
/// </remarks>
public static class FeatureStrengthSweep
{
    /// <summary>
    /// Assembles a sweep result from finished cells: applies the catapult counter, picks η* per γ and fits the slopes.
    /// </summary>
    public static SweepResult Summarise(FeatureStrengthSweepOptions options, IEnumerable<SweepCellResult> results,
        int executedCells = 0, int reusedCells = 0, TimeSpan wallTime = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(results);
        var counter = options.CatapultCounter;
        var cells = results
            .Select(r => counter is null ? r : r with { CatapultCount = counter(r.BatchLosses) })
            .OrderBy(r => r.Cell.GammaIndex).ThenByDescending(r => r.Cell.Level)
            .ToList();

        var summaries = new List<GammaScanSummary>();
        for (int i = 0; i < options.Gammas.Length; i++)
        {
            var column = cells.Where(c => c.Cell.GammaIndex == i).ToList();
            var stable = column.Where(c => c.SelectionLoss is double l && double.IsFinite(l)).ToList();
            var best = stable.OrderBy(c => c.SelectionLoss!.Value).ThenByDescending(c => c.Cell.Level).FirstOrDefault();
            // A frozen run (a dead network) neither diverged nor trains: the stability edge lies below it. The scan's own
            // decisions still count it as stable, so the rates it runs do not change.
            var highestStable = column.Where(c => !c.Diverged && !c.Frozen).OrderByDescending(c => c.Cell.Level).FirstOrDefault();
            var divergentAbove = highestStable is null ? null
                : column.Where(c => (c.Diverged || c.Frozen) && c.Cell.Level > highestStable.Cell.Level).OrderBy(c => c.Cell.Level).FirstOrDefault();
            summaries.Add(new GammaScanSummary(i, options.Gammas[i], best is null ? null : RefineBest(best, column, options.LevelSpacingDecades),
                best?.Cell.LearningRate, best?.SelectionLoss, highestStable?.Cell.LearningRate, divergentAbove?.Cell.LearningRate,
                column.Count, best?.CatapultCount));
        }

        var points = summaries.Select(s => (s.Gamma, s.BestLearningRate)).ToList();
        return new SweepResult(cells, summaries, FitSide(points, IsLazy(options)), FitSide(points, IsRich(options)),
            executedCells, reusedCells, wallTime);
    }

    /// <summary>
    /// Combines the sweeps of several seeds (same options, one <see cref="Summarise"/> result per seed): the median η*
    /// per γ by <see cref="MedianRate"/>, and the lazy and rich slopes fitted to the medians as
    /// <see cref="Summarise"/> fits one seed's η*.
    /// </summary>
    /// <remarks>
    /// Why the median: near the optimum the final loss is flat across rates, so one seed's η* can land a lattice level
    /// or more away from the trend; the median ignores one such seed out of three, where a mean would follow it.
    /// </remarks>
    /// <exception cref="ArgumentException">No seeds, a count mismatch, a repeated seed, or a sweep on another γ grid.</exception>
    public static SeedSweepResult CombineSeeds(FeatureStrengthSweepOptions options, IReadOnlyList<long> seeds, IReadOnlyList<SweepResult> perSeed)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(seeds);
        ArgumentNullException.ThrowIfNull(perSeed);
        if (seeds.Count == 0) throw new ArgumentException("At least one seed is needed.", nameof(seeds));
        if (perSeed.Count != seeds.Count) throw new ArgumentException($"{seeds.Count} seeds but {perSeed.Count} sweeps.", nameof(perSeed));
        if (seeds.Distinct().Count() != seeds.Count) throw new ArgumentException("The seeds must not repeat.", nameof(seeds));
        foreach (var r in perSeed)
            if (r.Gammas.Count != options.Gammas.Length || r.Gammas.Select(g => g.Gamma).Where((g, i) => g != options.Gammas[i]).Any())
                throw new ArgumentException("Every seed's sweep must run the options' γ grid.", nameof(perSeed));
        var gammas = options.Gammas.Select((g, i) =>
        {
            var rates = perSeed.Select(r => r.Gammas[i].BestLearningRate).ToList();
            return new SeedGammaSummary(i, g, rates, MedianRate(rates));
        }).ToList();
        var points = gammas.Select(s => (s.Gamma, BestLearningRate: s.Median)).ToList();
        return new SeedSweepResult(seeds.ToList(), perSeed.ToList(), gammas, FitSide(points, IsLazy(options)), FitSide(points, IsRich(options)));
    }

    /// <summary>
    /// The median of the seeds' η*, taken in log₁₀ η (so with an even count it is the geometric mean of the middle two),
    /// over the seeds that have one; null unless more than half of the seeds have one (where most seeds diverged at
    /// every rate, there is no typical η* to report).
    /// </summary>
    public static double? MedianRate(IReadOnlyList<double?> rates)
    {
        ArgumentNullException.ThrowIfNull(rates);
        var logs = rates.OfType<double>().Select(r =>
            r > 0 && double.IsFinite(r) ? Math.Log10(r) : throw new ArgumentException($"A rate must be finite and positive, got {r}.", nameof(rates)))
            .OrderBy(x => x).ToList();
        if (logs.Count == 0 || 2 * logs.Count <= rates.Count) return null;
        int n = logs.Count;
        double middle = n % 2 == 1 ? logs[n / 2] : 0.5 * (logs[n / 2 - 1] + logs[n / 2]);
        return Math.Pow(10, middle);
    }

    private static Func<double, bool> IsLazy(FeatureStrengthSweepOptions options) => g => IsLazy(g, options.SlopeFitExclusionDecades);

    private static Func<double, bool> IsRich(FeatureStrengthSweepOptions options) => g => IsRich(g, options.SlopeFitExclusionDecades);

    /// <summary>
    /// Whether <paramref name="gamma"/> belongs to the lazy slope fit: below 1 and at least
    /// <paramref name="exclusionDecades"/> (<see cref="FeatureStrengthSweepOptions.SlopeFitExclusionDecades"/>) below it.
    /// </summary>
    public static bool IsLazy(double gamma, double exclusionDecades) => gamma < 1 && Math.Log10(gamma) <= -exclusionDecades + 1e-9;

    /// <summary>
    /// Whether <paramref name="gamma"/> belongs to the rich slope fit: above 1 and at least
    /// <paramref name="exclusionDecades"/> (<see cref="FeatureStrengthSweepOptions.SlopeFitExclusionDecades"/>) above it.
    /// </summary>
    public static bool IsRich(double gamma, double exclusionDecades) => gamma > 1 && Math.Log10(gamma) >= exclusionDecades - 1e-9;

    /// <summary>
    /// Refines η* below the lattice spacing: the vertex of the parabola through log₁₀(loss) against log₁₀ η at the
    /// best cell and its two neighbours, kept within one level of the best. Without two stable neighbours, or when
    /// the parabola does not open upwards, the lattice rate is returned.
    /// </summary>
    public static double RefineBest(SweepCellResult best, IReadOnlyList<SweepCellResult> column, double spacingDecades)
    {
        ArgumentNullException.ThrowIfNull(best);
        ArgumentNullException.ThrowIfNull(column);
        int k = best.Cell.Level;
        var below = column.FirstOrDefault(c => c.Cell.Level == k - 1);
        var above = column.FirstOrDefault(c => c.Cell.Level == k + 1);
        if (best.SelectionLoss is not double l0 || below?.SelectionLoss is not double lm || above?.SelectionLoss is not double lp
            || !(l0 > 0 && lm > 0 && lp > 0))
            return best.Cell.LearningRate;
        double ym = Math.Log10(lm), y0 = Math.Log10(l0), yp = Math.Log10(lp);
        double curvature = ym - 2 * y0 + yp;
        if (!(curvature > 0)) return best.Cell.LearningRate;
        double offset = Math.Clamp(0.5 * (ym - yp) / curvature, -1.0, 1.0);
        return Math.Pow(10, (k + offset) * spacingDecades);
    }

    private static LogLogFit? FitSide(IReadOnlyList<(double Gamma, double? BestLearningRate)> summaries, Func<double, bool> side)
    {
        var points = summaries.Where(s => side(s.Gamma) && s.BestLearningRate is not null).ToList();
        if (points.Select(p => p.Gamma).Distinct().Count() < 2) return null;
        return LogLogFit.Fit(points.Select(p => p.Gamma).ToList(), points.Select(p => p.BestLearningRate!.Value).ToList());
    }
}
