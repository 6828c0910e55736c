using Catapults.Study.Infrastructure;

namespace Catapults.Study.Tests;

/// <summary>
/// The end of a run's line of progress as RunSummary.LossesOrDivergence documents it: "test loss 0.153", and
/// ", alignment 0.978" only when asked for and measured; a diverged run's reason instead.
/// Found by mutation testing (6 Dec 2026).
/// </summary>
public sealed class RunSummaryTextTests
{
    private static RunSummary Summary(double? alignment, string? divergence = null) => new()
    {
        Label = "r", Outcome = divergence is null ? "BudgetReached" : "Diverged", Steps = 10, WallSeconds = 1, Catapults = 0,
        TestLoss = divergence is null ? 0.153 : null, AgopAlignment = alignment, Divergence = divergence,
    };

    [Test]
    public void TheLineEndsAsDocumented()
    {
        Assert.Multiple(() =>
        {
            Assert.That(Summary(0.97812).LossesOrDivergence(withAlignment: true), Is.EqualTo("test loss 0.153, alignment 0.978"));
            Assert.That(Summary(0.97812).LossesOrDivergence(withAlignment: false), Is.EqualTo("test loss 0.153"));
            Assert.That(Summary(null).LossesOrDivergence(withAlignment: true), Is.EqualTo("test loss 0.153"));
            Assert.That(Summary(null, "step 4: the loss is NaN").LossesOrDivergence(withAlignment: true), Is.EqualTo("step 4: the loss is NaN"));
        });
    }

    // Found by mutation testing (7 Dec 2026, round 27B): 0.153 reads the same with three significant digits as with four.
    [Test]
    public void TheTestLossHasFourSignificantDigits() =>
        Assert.That((Summary(null) with { TestLoss = 0.153449 }).LossesOrDivergence(withAlignment: false), Is.EqualTo("test loss 0.1534"));

    // The CLI sets the invariant culture, but these texts are the summary's own: a host in a comma culture gets the same.
    [Test, SetCulture("de-DE")]
    public void TheTextsAreTheSameInACommaCulture()
    {
        Assert.Multiple(() =>
        {
            Assert.That(Summary(0.97812).LossesOrDivergence(withAlignment: true), Is.EqualTo("test loss 0.153, alignment 0.978"));
            Assert.That((Summary(null) with { TrainLoss = -0.5 }).Problem(), Is.EqualTo("trainLoss -0.5 is not a finite loss ≥ 0"));
            Assert.That((Summary(null) with { WallSeconds = -1.5 }).Problem(), Is.EqualTo("wallSeconds -1.5 is not a finite time"));
        });
    }
}
