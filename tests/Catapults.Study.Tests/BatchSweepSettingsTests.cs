using Catapults.Study.BatchSweep;

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
}
