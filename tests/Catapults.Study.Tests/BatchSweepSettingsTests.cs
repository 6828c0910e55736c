using Catapults.Study.BatchSweep;
using Catapults.Study.Infrastructure;

namespace Catapults.Study.Tests;

/// <summary>
/// BatchSweepSettings.BudgetFor, the step budget of each run: full-batch GD (b = n) gets --gd-steps, a mini-batch run
/// --epochs full epochs of ⌊n/b⌋ steps, and --max-steps caps either. Found by mutation testing (6 Dec 2026, round 16B).
/// </summary>
public sealed class BatchSweepSettingsTests
{
    private static readonly BatchSweepSettings Settings = new() { Epochs = 3, GdMaxSteps = 7 };

    [Test]
    public void GdGetsItsStepBudgetAndAMiniBatchItsEpochs()
    {
        Assert.That(Settings.BudgetFor(100, 100), Is.EqualTo(7), "b = n is GD");
        Assert.That(Settings.BudgetFor(10, 100), Is.EqualTo(30), "3 epochs of 10 steps");
        Assert.That(Settings.BudgetFor(30, 100), Is.EqualTo(9), "3 epochs of ⌊100/30⌋ = 3 steps (the last partial batch is dropped)");
        Assert.That(Settings.BudgetFor(99, 100), Is.EqualTo(3), "b = 99 < n is a mini-batch run of one step per epoch");
    }

    [Test]
    public void MaxStepsCapsEveryRunButNeverRaisesOne()
    {
        var capped = Settings with { MaxSteps = 5 };
        Assert.That(capped.BudgetFor(10, 100), Is.EqualTo(5));
        Assert.That(capped.BudgetFor(100, 100), Is.EqualTo(5));
        var loose = Settings with { MaxSteps = 50 };
        Assert.That(loose.BudgetFor(10, 100), Is.EqualTo(30));
        Assert.That(loose.BudgetFor(100, 100), Is.EqualTo(7));
    }

    // Found by mutation testing (7 Dec 2026, round 31B): a budget beyond int stops at int.MaxValue instead of wrapping
    // round to a negative one.
    [Test]
    public void ABudgetBeyondIntStopsAtIntMaxValue()
    {
        var huge = new BatchSweepSettings { Epochs = int.MaxValue };
        Assert.That(huge.BudgetFor(1, 100), Is.EqualTo(int.MaxValue), "2³¹ − 1 epochs of 100 steps");
    }

    // Found by mutation testing (7 Dec 2026, round 31B): the presets hold the values their documentation gives.
    [Test]
    public void TheDefaultIsThePapersSettingAndQuickItsSmokeRun()
    {
        var d = BatchSweepSettings.Default;
        var q = BatchSweepSettings.Quick;
        Assert.Multiple(() =>
        {
            Assert.That(new object?[] { d.TrainCount, d.TestCount, d.Width, d.UseBias, d.Seeds, d.RateFraction },
                Is.EqualTo(new object?[] { 2000, 1000, 1024, false, 3, null }), "n, test, width, bias, seeds, rate fraction");
            Assert.That(d.BatchSizes, Is.EqualTo(new[] { 0, 50, 10, 5 }), "GD, 50, 10, 5");
            Assert.That(new object?[] { d.Epochs, d.GdMaxSteps, d.MaxSteps, d.TargetLoss, d.RecordEvery, d.ProbeCount, d.CheckpointEvery, d.CellsOnEveryCore },
                Is.EqualTo(new object?[] { 100, 10000, null, 1e-3, 10, 256, 500, true }), "epochs, GD steps, max steps, target loss, record, probes, checkpoints, cells per core");
            Assert.That(new object?[] { q.TrainCount, q.TestCount, q.Width, q.Seeds, q.Epochs, q.GdMaxSteps, q.CheckpointEvery, q.ProbeCount, q.CellsOnEveryCore },
                Is.EqualTo(new object?[] { 500, 500, CommonOptions.QuickWidth, 2, 30, 600, 200, 128, false }), "quick: n, test, width, seeds, epochs, GD steps, checkpoints, probes, cells per core");
            Assert.That(q with { TrainCount = d.TrainCount, TestCount = d.TestCount, Width = d.Width, Seeds = d.Seeds, Epochs = d.Epochs, GdMaxSteps = d.GdMaxSteps,
                CheckpointEvery = d.CheckpointEvery, ProbeCount = d.ProbeCount, CellsOnEveryCore = d.CellsOnEveryCore, BatchSizes = d.BatchSizes }, Is.EqualTo(d), "quick keeps the rest");
            Assert.That(q.BatchSizes, Is.EqualTo(d.BatchSizes));
        });
    }
}
