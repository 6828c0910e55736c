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
            var highestStable = column.Where(c => !c.Diverged).OrderByDescending(c => c.Cell.Level).FirstOrDefault();
            var divergentAbove = highestStable is null ? null
                : column.Where(c => c.Diverged && c.Cell.Level > highestStable.Cell.Level).OrderBy(c => c.Cell.Level).FirstOrDefault();
            summaries.Add(new GammaScanSummary(i, options.Gammas[i], best is null ? null : RefineBest(best, column, options.LevelSpacingDecades),
                best?.Cell.LearningRate, best?.SelectionLoss, highestStable?.Cell.LearningRate, divergentAbove?.Cell.LearningRate,
                column.Count, best?.CatapultCount));
        }

        double band = options.SlopeFitExclusionDecades;
        return new SweepResult(cells, summaries,
            FitSide(summaries, g => g < 1 && Math.Log10(g) <= -band + 1e-9),
            FitSide(summaries, g => g > 1 && Math.Log10(g) >= band - 1e-9),
            executedCells, reusedCells, wallTime);
    }

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

    private static LogLogFit? FitSide(IReadOnlyList<GammaScanSummary> summaries, Func<double, bool> side)
    {
        var points = summaries.Where(s => side(s.Gamma) && s.BestLearningRate is not null).ToList();
        if (points.Select(p => p.Gamma).Distinct().Count() < 2) return null;
        return LogLogFit.Fit(points.Select(p => p.Gamma).ToList(), points.Select(p => p.BestLearningRate!.Value).ToList());
    }
}
