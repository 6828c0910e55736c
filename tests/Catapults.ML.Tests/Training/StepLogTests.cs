using Catapults.ML.Training;

namespace Catapults.ML.Tests.Training;

/// <summary>
/// StepLog keeps each record's fields in their own places, in the list and in the DataFrame.
/// Found by mutation testing (6 Dec 2026).
/// </summary>
public sealed class StepLogTests
{
    [Test]
    public void StepsAndDataFrameKeepEveryFieldInItsColumn()
    {
        var log = new StepLog();
        log.OnStepCompleted(new StepRecord(3, 1, 0.5, 2.25, new long[] { 7, 8, 9, 10 }, 1.75), null!);
        log.OnStepCompleted(new StepRecord(4, 2, 0.25, 2.0, new long[] { 1, 2 }, null), null!);

        var first = log.Steps[0];
        Assert.That((first.Step, first.Epoch, first.LearningRate, first.BatchLoss, first.BatchSize, first.FullTrainingLoss),
            Is.EqualTo((3, 1, 0.5, 2.25, 4, (double?)1.75)));

        var df = log.ToDataFrame();
        Assert.That(df.Rows.Count, Is.EqualTo(2));
        Assert.That(df["Step"][0], Is.EqualTo(3));
        Assert.That(df["Epoch"][0], Is.EqualTo(1));
        Assert.That(df["Epoch"][1], Is.EqualTo(2));
        Assert.That(df["LearningRate"][0], Is.EqualTo(0.5));
        Assert.That(df["BatchLoss"][0], Is.EqualTo(2.25));
        Assert.That(df["BatchSize"][1], Is.EqualTo(2));
        Assert.That(df["FullTrainingLoss"][0], Is.EqualTo(1.75));
        Assert.That(df["FullTrainingLoss"][1], Is.Null);
    }

    // Found by mutation testing (round 15C): the expected count only sizes the list, so a negative one (a budget
    // computed as "steps left" after a resume past it) is no error.
    [TestCase(-1)]
    [TestCase(0)]
    public void ANonPositiveExpectedStepCountGivesAnEmptyLog(int expected)
    {
        StepLog? log = null;
        Assert.DoesNotThrow(() => log = new StepLog(expected));
        Assert.That(log!.Steps, Is.Empty);
    }
}
