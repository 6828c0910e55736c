using System.Globalization;

namespace Catapults.ML.Scaling;

/// <summary>
/// The scan of one γ down the rate lattice (see <see cref="FeatureStrengthSweepOptions"/>). Its next level depends
/// only on the results so far, so replaying stored results reproduces the same decisions: that is what makes a
/// killed sweep resumable.
/// </summary>
public sealed class LearningRateScan
{
    // The decades either side of η = 1 a scan may reach.
    private const double MaxDecades = 300;
    // The levels either side of η = 1 a scan may reach, well inside an int.
    private const double MaxLevels = 1e9;

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
        if (RangeProblem(gamma, options) is { } problem)
            throw new ArgumentException(problem + "; change StartingLearningRate, LevelSpacingDecades or MaxCellsPerGamma.", nameof(options));
        _startLevel = SweepCell.LevelAtOrAbove(options.StartingLearningRate!(gamma), _spacing);
        _levelsAbove = (int)Math.Floor(options.MaxDecadesAbove / _spacing + 1e-9);
        _levelsBelow = (int)Math.Ceiling(options.DecadesBelowFirstStable / _spacing - 1e-9);
        _maxCells = options.MaxCellsPerGamma;
        _continueWhileImproving = options.ContinueWhileImproving;
    }

    /// <summary>
    /// Why a scan of <paramref name="gamma"/> under <paramref name="options"/> could not run, or null when it can: its
    /// starting rate is not a positive finite number, or the rates it may reach (<see cref="FeatureStrengthSweepOptions.MaxCellsPerGamma"/>
    /// levels below the start, <see cref="FeatureStrengthSweepOptions.MaxDecadesAbove"/> above it) leave 10^±300, well
    /// inside a double's range, so that no rate of the scan rounds to 0 or ∞; or its levels lie more than 10⁹ from
    /// η = 1's, beyond what an int indexes safely (a lattice of 10⁻³⁰⁰ decades).
    /// </summary>
    public static string? RangeProblem(double gamma, FeatureStrengthSweepOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.StartingLearningRate is null) return "no starting rate is set";
        double start = options.StartingLearningRate(gamma);
        string g = gamma.ToString("G3", CultureInfo.InvariantCulture);
        if (!double.IsFinite(start) || start <= 0)
            return string.Create(CultureInfo.InvariantCulture, $"the starting rate at γ = {g} is {start}, not a positive finite number");
        double spacing = options.LevelSpacingDecades;
        // Levels are ints: a lattice finer than the distance to η = 1 allows cannot index its levels.
        double levels = Math.Abs(Math.Log10(start) / spacing) + options.MaxCellsPerGamma + options.MaxDecadesAbove / spacing;
        if (!(levels <= MaxLevels))
            return string.Create(CultureInfo.InvariantCulture,
                $"at γ = {g} a lattice of {spacing:G3} decades puts the scan's rates up to {levels:G3} levels from η = 1, more than the {MaxLevels:G3} its level index holds");
        double startDecade = Math.Ceiling(Math.Log10(start) / spacing - 1e-9) * spacing;
        double lowest = startDecade - options.MaxCellsPerGamma * spacing, highest = startDecade + options.MaxDecadesAbove;
        // Written so that a NaN (from a spacing no one validated) counts as outside.
        return !(lowest >= -MaxDecades && highest <= MaxDecades)
            ? string.Create(CultureInfo.InvariantCulture,
                $"at γ = {g} the scan could reach η = 10^{(lowest < -MaxDecades ? lowest : highest):0} ({options.MaxCellsPerGamma} levels of {spacing:G3} decades below a start of {start:G3}, {options.MaxDecadesAbove:G3} decades above it), beyond 10^±{MaxDecades}")
            : null;
    }

    /// <summary>The position of γ in the grid.</summary>
    public int GammaIndex { get; }

    /// <summary>γ.</summary>
    public double Gamma { get; }

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
