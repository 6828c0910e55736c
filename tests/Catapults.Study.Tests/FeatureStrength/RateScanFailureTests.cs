using Catapults.ML.Scaling;
using Catapults.ML.Tests.Data.Fixtures;
using Catapults.ML.Training;
using Catapults.Study.FeatureStrength;

namespace Catapults.Study.Tests.FeatureStrength;

/// <summary>
/// RateScanSweep when a cell fails while another runs: the error surfaces only after the other cell has ended, and the
/// other's result, if it finished, is saved, so that a rerun resumes from it (the sweep's remarks). Found by mutation
/// testing (6 Dec 2026).
/// </summary>
public sealed class RateScanFailureTests
{
    // γ number 0's first cell fails; γ number 1's first cell finishes once that failure is out, a little later.
    private sealed class OneFailsWhileOneFinishes : ICellExecutor
    {
        private readonly TaskCompletionSource _failed = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public async Task<SweepCellResult> RunAsync(SweepCell cell, CancellationToken cancellationToken)
        {
            if (cell.GammaIndex == 0)
            {
                await Task.Yield();
                _failed.TrySetResult();
                throw new InvalidOperationException("killed");
            }
            await _failed.Task;
            await Task.Delay(50, cancellationToken);
            return new SweepCellResult
            {
                Cell = cell, Outcome = TrainingOutcome.Diverged, DivergenceStep = 1, DivergenceReason = "the batch loss is not finite", Steps = 1, BatchLosses = new[] { 1e4 },
            };
        }
    }

    [Test]
    public void ACellThatFinishesWhileAnotherFailsIsSaved()
    {
        using var temp = new TempDirectory();
        var options = new FeatureStrengthSweepOptions
        {
            Gammas = new[] { 1.0, 10.0 }, LevelSpacingDecades = 0.25, StartingLearningRate = g => 100 * g, Parallelism = 2,
        };
        var store = SweepStore.Open(temp.Path, "m");
        var ex = Assert.ThrowsAsync<InvalidOperationException>(() => RateScanSweep.RunAsync(options, new OneFailsWhileOneFinishes(), store));
        Assert.That(ex!.Message, Is.EqualTo("killed"));
        int level = SweepCell.LevelAtOrAbove(1000, 0.25);
        var saved = store.TryLoad(new SweepCell(1, 10.0, level, SweepCell.RateAtLevel(level, 0.25)));
        Assert.That(saved, Is.Not.Null, "the finished cell of γ = 10 is kept for the rerun");
        Assert.That(Directory.GetFiles(store.CellDirectory, "*.json"), Has.Length.EqualTo(1), "nothing of the failed cell");
    }
}
