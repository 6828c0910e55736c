namespace Catapults.Study.BatchSweep;

/// <summary>The batch-sweep preset (the default run and the <c>--quick</c> smoke run).</summary>
public sealed record BatchSweepSettings
{
    /// <summary>The default: n = 2000, d = 100, width 1024, GD/50/10/5, 3 seeds, η = 0.9 η_crit(GD at init), to train loss 1e-3 or the step budget.</summary>
    public static BatchSweepSettings Default { get; } = new();

    /// <summary>About a minute: n = 500, width 256, 2 seeds, a short budget.</summary>
    public static BatchSweepSettings Quick { get; } = new()
    {
        TrainCount = 500, TestCount = 500, Width = 256, Seeds = 2, MaxSteps = 400, RecordEvery = 10, CheckpointEvery = 200,
    };

    /// <summary>Training samples n.</summary>
    public int TrainCount { get; init; } = 2000;
    /// <summary>Test samples.</summary>
    public int TestCount { get; init; } = 1000;
    /// <summary>Hidden width of fcn-2.</summary>
    public int Width { get; init; } = 1024;
    /// <summary>Seeds per batch size.</summary>
    public int Seeds { get; init; } = 3;
    /// <summary>Batch sizes; 0 stands for full-batch GD (b = n).</summary>
    public IReadOnlyList<int> BatchSizes { get; init; } = new[] { 0, 50, 10, 5 };
    /// <summary>η as a fraction of the full-batch η_crit at initialisation (seed 0).</summary>
    public double RateFraction { get; init; } = 0.9;
    /// <summary>Step budget of every run.</summary>
    public int MaxSteps { get; init; } = 3000;
    /// <summary>Target full training loss (checked at recorded steps).</summary>
    public double TargetLoss { get; init; } = 1e-3;
    /// <summary>Steps between rows of steps.csv.</summary>
    public int RecordEvery { get; init; } = 10;
    /// <summary>Steps between checkpoints.</summary>
    public int CheckpointEvery { get; init; } = 500;
}
