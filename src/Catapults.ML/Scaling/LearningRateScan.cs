namespace Catapults.ML.Scaling;

/// <summary>
/// The scan of one γ down the rate lattice (see <see cref="FeatureStrengthSweepOptions"/>). Its next level depends
/// only on the results so far, so replaying stored results reproduces the same decisions: that is what makes a
/// killed sweep resumable.
/// </summary>
internal sealed class LearningRateScan
{
    private readonly SortedDictionary<int, SweepCellResult> _done = new();
    private readonly int _startLevel;
    private readonly int _levelsAbove;
    private readonly int _levelsBelow;
    private readonly int _maxCells;
    private readonly double _spacing;
    private readonly bool _continueWhileImproving;

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

    public int GammaIndex { get; }
    public double Gamma { get; }
    public bool InFlight { get; set; }
    public IEnumerable<SweepCellResult> Results => _done.Values;

    public SweepCell CellAt(int level) => new(GammaIndex, Gamma, level, SweepCell.RateAtLevel(level, _spacing));

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
