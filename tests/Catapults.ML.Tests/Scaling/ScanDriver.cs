using Catapults.ML.Scaling;
using Catapults.ML.Training;

namespace Catapults.ML.Tests.Scaling;

/// <summary>Drives a <see cref="LearningRateScan"/> by hand, with a fixed stability edge and made-up losses.</summary>
internal static class ScanDriver
{
    /// <summary>A cell's result after 10 steps: diverged (no loss), or stable with <paramref name="loss"/>.</summary>
    public static SweepCellResult Result(SweepCell cell, bool diverged, double loss) => new()
    {
        Cell = cell,
        Outcome = diverged ? TrainingOutcome.Diverged : TrainingOutcome.BudgetReached,
        FinalTestLoss = diverged ? null : loss,
        Steps = 10,
    };

    /// <summary>Runs a scan to its end, returning the levels it ran in order: levels from <paramref name="edge"/> up diverge, a stable level has the loss <paramref name="loss"/>(level).</summary>
    public static List<int> Drive(FeatureStrengthSweepOptions options, int edge, Func<int, double> loss)
    {
        var scan = new LearningRateScan(0, 1.0, options);
        var levels = new List<int>();
        for (int guard = 0; guard < 100 && scan.Next() is { } cell; guard++)
        {
            levels.Add(cell.Level);
            scan.Record(Result(cell, cell.Level >= edge, loss(cell.Level)));
        }
        return levels;
    }
}
