using Catapults.ML.Scaling;
using Catapults.ML.Training;
using Catapults.Study.FeatureStrength;

namespace Catapults.Study.Tests.FeatureStrength;

/// <summary>
/// RateScanSweep runs up to <see cref="FeatureStrengthSweepOptions.Parallelism"/> cells at once, never more: counted by
/// an executor that holds each cell until the sweep has launched all it will. Found by mutation testing (6 Dec 2026).
/// </summary>
public sealed class RateScanParallelismTests
{
    private sealed class CountingExecutor : ICellExecutor
    {
        private int _running;

        public int MostAtOnce { get; private set; }

        public async Task<SweepCellResult> RunAsync(SweepCell cell, CancellationToken cancellationToken)
        {
            int now = Interlocked.Increment(ref _running);
            lock (this) MostAtOnce = Math.Max(MostAtOnce, now);
            await Task.Delay(5, cancellationToken);
            Interlocked.Decrement(ref _running);
            bool diverged = cell.LearningRate > 3 * cell.Gamma;
            return new SweepCellResult
            {
                Cell = cell, Outcome = diverged ? TrainingOutcome.Diverged : TrainingOutcome.BudgetReached, DivergenceStep = diverged ? 1 : null,
                Steps = diverged ? 1 : 2, BatchLosses = diverged ? new[] { 1.0 } : new[] { 1.0, 0.5 }, FinalTestLoss = diverged ? null : cell.LearningRate,
            };
        }
    }

    [TestCase(1)]
    [TestCase(2)]
    [TestCase(3)]
    public async Task NoMoreCellsRunAtOnceThanTheParallelism(int parallelism)
    {
        var options = new FeatureStrengthSweepOptions
        {
            Gammas = new[] { 10.0, 20.0, 40.0, 80.0 }, LevelSpacingDecades = 0.25, StartingLearningRate = g => 30 * g,
            DecadesBelowFirstStable = 0.5, Parallelism = parallelism,
        };
        var executor = new CountingExecutor();
        var result = await RateScanSweep.RunAsync(options, executor);
        Assert.That(result.Cells, Is.Not.Empty);
        Assert.That(executor.MostAtOnce, Is.EqualTo(parallelism), "four γ give work enough to fill every slot");
    }
}
