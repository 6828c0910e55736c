namespace Catapults.ML.Scaling;

/// <summary>
/// The scan of one γ down the rate lattice (see <see cref="FeatureStrengthSweepOptions"/>). Its next level depends
/// only on the results so far, so replaying stored results reproduces the same decisions: that is what makes a
/// killed sweep resumable.
/// </summary>
public sealed class LearningRateScan
{
    private readonly SortedDictionary<int, SweepCellResult> _done = new();
    private readonly int _startLevel;
    private readonly int _levelsAbove;
    private readonly int _levelsBelow;
    private readonly int _maxCells;
    private readonly double _spacing;
    private readonly bool _continueWhileImproving;

    /// <summary>A scan of γ number <paramref name="gammaIndex"/> (<paramref name="gamma"/>) under <paramref name="options"/>.</summary>
    /// <exception cref="ArgumentException">The options' starting rate for γ is not finite and positive.</exception>
    public LearningRateScan(int gammaIndex, double gamma, FeatureStrengthSweepOptions options)
    {
        GammaIndex = gammaIndex;
        Gamma = gamma;
        _spacing = options.LevelSpacingDecades;
        double start = options.StartingLearningRate!(gamma);
        if (!double.IsFinite(start) || start <= 0)
            throw new ArgumentException($"StartingLearningRate({gamma}) returned {start}; it must be finite and positive.", nameof(options));
        _startLevel = SweepCell.LevelAtOrAbove(start, _spacing);
        _levelsAbove = (int)Math.Floor(options.MaxDecadesAbove / _spacing + 1e-9);
        _levelsBelow = (int)Math.Ceiling(options.DecadesBelowFirstStable / _spacing - 1e-9);
        _maxCells = options.MaxCellsPerGamma;
        _continueWhileImproving = options.ContinueWhileImproving;
    }

    /// <summary>The position of γ in the grid.</summary>
    public int GammaIndex { get; }

    /// <summary>γ.</summary>
    public double Gamma { get; }

    /// <summary>Set by whoever runs the scan while its next cell is running (a scan has at most one cell in flight).</summary>
    public bool InFlight { get; set; }

    /// <summary>The cells recorded so far, by level.</summary>
    public IEnumerable<SweepCellResult> Results => _done.Values;

    /// <summary>The cell at lattice level <paramref name="level"/>.</summary>
    public SweepCell CellAt(int level) => new(GammaIndex, Gamma, level, SweepCell.RateAtLevel(level, _spacing));

    /// <summary>Records a finished cell of this scan.</summary>
    public void Record(SweepCellResult result)
    {
        if (result.Cell.GammaIndex != GammaIndex) throw new ArgumentException($"Cell {result.Cell.Id} does not belong to γ #{GammaIndex}.", nameof(result));
        _done[result.Cell.Level] = result;
    }

    private bool BestIsAtBottom(int bottom)
    {
        var best = _done.Values.Where(r => r.SelectionLoss is double l && double.IsFinite(l))
            .OrderBy(r => r.SelectionLoss!.Value).ThenByDescending(r => r.Cell.Level).FirstOrDefault();
        return best is not null && best.Cell.Level == bottom;
    }

    /// <summary>The next cell to run, or null when the scan is complete.</summary>
    /// <summary>The next cell to run, decided from the results so far; null when the scan is done.</summary>
    public SweepCell? Next()
    {
        if (_done.Count == 0) return CellAt(_startLevel);
        if (_done.Count >= _maxCells) return null;
        int top = _done.Keys.Max(), bottom = _done.Keys.Min();
        bool anyDiverged = _done.Values.Any(r => r.Diverged);
        // Climb while nothing has diverged yet: the starting guess was below the edge of stability.
        if (!anyDiverged && bottom == _startLevel && top < _startLevel + _levelsAbove) return CellAt(top + 1);
        int? firstStable = _done.Where(kv => !kv.Value.Diverged).Select(kv => (int?)kv.Key).Max();
        int next = bottom - 1;
        if (firstStable is int s && next < s - _levelsBelow && !(_continueWhileImproving && BestIsAtBottom(bottom))) return null;
        return CellAt(next);
    }
}
