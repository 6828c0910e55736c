using Catapults.Study.Infrastructure;

namespace Catapults.Study.BatchSweep;

/// <summary>
/// The batch-sweep preset (the default run and the <c>--quick</c> smoke run). The default is the paper's setting:
/// rank-2 task, n = 2000, d = 100, the bias-free 2-layer ReLU network f(x) = aᵀσ(Wx/√d)/√m of width 1024 in the NTK
/// parameterisation, GD and b = 50, 10, 5 at one learning rate, 3 seeds.
/// </summary>
public sealed record BatchSweepSettings
{
    /// <summary>The paper's setting (see the type's summary); every default is declared on its property.</summary>
    public static BatchSweepSettings Default { get; } = new();

    /// <summary>A smoke run of well under a minute: n = 500, width 256, 2 seeds, 30 epochs, GD capped at 600 steps.</summary>
    public static BatchSweepSettings Quick { get; } = new()
    {
        TrainCount = 500, TestCount = 500, Width = CommonOptions.QuickWidth, Seeds = 2, Epochs = 30, GdMaxSteps = 600, CheckpointEvery = 200, ProbeCount = 128,
        CellsOnEveryCore = false,
    };

    /// <summary>Training samples n; default 2000.</summary>
    public int TrainCount { get; init; } = 2000;

    /// <summary>Test samples; default 1000.</summary>
    public int TestCount { get; init; } = 1000;

    /// <summary>Hidden width of fcn-2; default 1024.</summary>
    public int Width { get; init; } = 1024;

    /// <summary>
    /// Whether the network has biases; default false, the paper's network. With an output bias the NTK gains a
    /// constant block of size n that dominates λ_max and makes every batch's critical rate nearly the same (the
    /// contrast run of the README, <c>--bias --rate-fraction 0.9</c>).
    /// </summary>
    public bool UseBias { get; init; }

    /// <summary>Seeds per batch size; default 3.</summary>
    public int Seeds { get; init; } = 3;

    /// <summary>Batch sizes; 0 stands for full-batch GD (b = n); default GD, 50, 10, 5.</summary>
    public IReadOnlyList<int> BatchSizes { get; init; } = new[] { 0, 50, 10, 5 };

    /// <summary>
    /// When set, η = this fraction × η_crit(GD at initialisation) (the first wave's rule); default null: η comes from
    /// <see cref="LearningRateChoice.Choose"/>.
    /// </summary>
    public double? RateFraction { get; init; }

    /// <summary>
    /// Budget of every mini-batch run in epochs (⌊n/b⌋ steps each); default 100. Every run is meant to train to
    /// convergence (<see cref="TargetLoss"/>), as the paper compares trained networks, so this is a cap that should
    /// not bind; the report counts the runs that converged.
    /// </summary>
    public int Epochs { get; init; } = 100;

    /// <summary>
    /// Step budget of full-batch GD, which trains to convergence (<see cref="TargetLoss"/>); default 10000, well beyond
    /// the ~2000 steps GD needs at the default rate. A GD run that ends on this budget is reported as not converged.
    /// </summary>
    public int GdMaxSteps { get; init; } = 10000;

    /// <summary>Optional cap on the steps of every run (for short test runs); default null: none.</summary>
    public int? MaxSteps { get; init; }

    /// <summary>Convergence: a run stops once its full training loss (checked at recorded steps) is at or below this; default 1e-3.</summary>
    public double TargetLoss { get; init; } = 1e-3;

    /// <summary>Steps between rows of steps.csv (full losses and λ_max of the probe set); default 10.</summary>
    public int RecordEvery { get; init; } = 10;

    /// <summary>
    /// Size of the probe set, a seeded random subset of the training samples (all of them when n is smaller), whose
    /// NTK's λ_max is recorded in every row of steps.csv (a catapult must lower it); default 256.
    /// </summary>
    public int ProbeCount { get; init; } = 256;

    /// <summary>
    /// Whether the plain command runs the cells one per core (up to the cells) when <c>--jobs</c> is not given; default
    /// true: the default's cells take 6–50 s each against about 1.5 s to start a cell's process, so on 2 cores the
    /// main job takes 2 min 42 s instead of about 4.5 min, with the same files (each cell runs on one libtorch thread,
    /// in a process as in this one). Quick: false, its cells take about a second, less than a process start.
    /// </summary>
    public bool CellsOnEveryCore { get; init; } = true;

    /// <summary>Steps between checkpoints; default 500.</summary>
    public int CheckpointEvery { get; init; } = 500;

    /// <summary>The step budget of a run with batch size <paramref name="batch"/> on <paramref name="n"/> samples.</summary>
    public int BudgetFor(int batch, int n)
    {
        long steps = batch >= n ? GdMaxSteps : (long)Epochs * (n / batch);
        if (MaxSteps is int cap) steps = Math.Min(steps, cap);
        return (int)Math.Min(steps, int.MaxValue);
    }
}
