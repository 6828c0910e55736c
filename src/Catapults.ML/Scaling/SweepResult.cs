namespace Catapults.ML.Scaling;

/// <summary>The result of a <see cref="FeatureStrengthSweep"/>: every cell, each γ's η*, and the fitted slopes of log η* against log γ.</summary>
public sealed class SweepResult
{
    /// <summary>Creates the result.</summary>
    public SweepResult(IReadOnlyList<SweepCellResult> cells, IReadOnlyList<GammaScanSummary> gammas, LogLogFit? lazySlope,
        LogLogFit? richSlope, int executedCells, int reusedCells, TimeSpan wallTime)
    {
        Cells = cells; Gammas = gammas; LazySlope = lazySlope; RichSlope = richSlope;
        ExecutedCells = executedCells; ReusedCells = reusedCells; WallTime = wallTime;
    }

    /// <summary>Every cell, ordered by γ, then by decreasing η.</summary>
    public IReadOnlyList<SweepCellResult> Cells { get; }

    /// <summary>One summary per γ, in grid order.</summary>
    public IReadOnlyList<GammaScanSummary> Gammas { get; }

    /// <summary>Fit of log η* against log γ on the lazy side, γ &lt; 1 (the paper predicts slope 2); null with fewer than two points.</summary>
    public LogLogFit? LazySlope { get; }

    /// <summary>Fit of log η* against log γ on the rich side, γ &gt; 1 (the paper predicts slope 2/L); null with fewer than two points.</summary>
    public LogLogFit? RichSlope { get; }

    /// <summary>Cells trained by this call.</summary>
    public int ExecutedCells { get; }

    /// <summary>Cells whose finished results were loaded from the store (a resumed sweep).</summary>
    public int ReusedCells { get; }

    /// <summary>Wall time of this call.</summary>
    public TimeSpan WallTime { get; }

    /// <summary>
    /// The cell of γ number <paramref name="gammaIndex"/> at <paramref name="learningRate"/> (a lattice rate, matched to a
    /// relative 1e-9, since a rate read back from JSON may differ in its last bit), or null when none ran there.
    /// </summary>
    public SweepCellResult? CellAt(int gammaIndex, double learningRate) =>
        Cells.FirstOrDefault(c => c.Cell.GammaIndex == gammaIndex && Math.Abs(c.Cell.LearningRate / learningRate - 1) < 1e-9);
}
