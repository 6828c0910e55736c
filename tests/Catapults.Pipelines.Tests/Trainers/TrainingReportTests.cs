using Catapults.ML.Training;
using Catapults.Pipelines.Trainers;
using Microsoft.Data.Analysis;

namespace Catapults.Pipelines.Tests.Trainers;

/// <summary>
/// A training report's own tables: the names of the steps and summary tables are reserved, and a table needs a name
/// that is not blank; clear catapults are the events whose Clear is true (not the unjudged ones), and the one-line
/// summary gives the final loss to four significant digits. Found by mutation testing (round 14B).
/// </summary>
public sealed class TrainingReportTests
{
    private static TrainingReport Report() =>
        new(new TrainingResult(TrainingOutcome.BudgetReached, 10, 2, 0.25, null, TimeSpan.FromSeconds(1.5)),
            Array.Empty<LoggedStep>(), new TrainingModelInfo("fc", 17, 64, 4, "mse"));

    private static DataFrame Table() => new(new Int32DataFrameColumn("x", new[] { 1, 2 }));

    [TestCase(TrainingReport.StepsTableName)]
    [TestCase(TrainingReport.SummaryTableName)]
    public void TheReportsOwnTableNamesAreReserved(string name)
    {
        var report = Report();
        var ex = Assert.Throws<ArgumentException>(() => report.AddTable(name, Table()));
        Assert.That(ex!.Message, Does.StartWith($"The table name '{name}' is reserved for the report's own tables."));
        Assert.That(report.Tables, Is.Empty);
        // AllTables still gives the report's own summary, not a caller's table of that name.
        Assert.That(report.AllTables()[TrainingReport.SummaryTableName].Columns.IndexOf("Outcome"), Is.EqualTo(0));
    }

    [TestCase("")]
    [TestCase(" ")]
    [TestCase("\t")]
    public void ATableNeedsANameThatIsNotBlank(string name)
    {
        var report = Report();
        var ex = Assert.Throws<ArgumentException>(() => report.AddTable(name, Table()));
        Assert.That(ex!.Message, Does.StartWith("A table needs a name."));
        Assert.That(report.Tables, Is.Empty);
    }

    // A Clear of null is a catapult the drift test could not judge: it is not a clear one.
    [Test]
    public void OnlyEventsJudgedClearAreClearCatapults()
    {
        var report = Report();
        report.AddTable(TrainingReport.CatapultEventsTableName, new DataFrame(
            new Int32DataFrameColumn("StartStep", new[] { 2, 8, 14, 20 }),
            new BooleanDataFrameColumn("Clear", new bool?[] { true, null, false, true })));
        Assert.That((report.CatapultCount, report.ClearCatapultCount), Is.EqualTo(((int?)4, (int?)2)));

        var old = Report();
        old.AddTable(TrainingReport.CatapultEventsTableName, new DataFrame(new Int32DataFrameColumn("StartStep", new[] { 2 })));
        Assert.That((old.CatapultCount, old.ClearCatapultCount), Is.EqualTo(((int?)1, (int?)null)), "a report saved before the Clear column");
    }

    [Test]
    public void TheSummaryLineGivesTheFinalLossToFourSignificantDigits()
    {
        var report = new TrainingReport(new TrainingResult(TrainingOutcome.BudgetReached, 10, 2, 0.123456789, null, TimeSpan.FromSeconds(1)),
            Array.Empty<LoggedStep>(), new TrainingModelInfo("fc", 17, 64, 4, "mse"));
        Assert.That(report.ToString(), Is.EqualTo("BudgetReached after 10 steps (2 epochs), final training loss 0.1235; fc"));
    }

    // A run with no final training loss (it diverged before one was computed) says so in words (mutant 35A-M63 changed them unnoticed).
    [Test]
    public void TheSummaryLineSaysNaWithoutAFinalLoss()
    {
        var report = new TrainingReport(new TrainingResult(TrainingOutcome.Diverged, 1, 0, null, null, TimeSpan.FromSeconds(1)),
            Array.Empty<LoggedStep>(), new TrainingModelInfo("fc", 17, 64, 4, "mse"));
        Assert.That(report.ToString(), Is.EqualTo("Diverged after 1 step (0 epochs), final training loss n/a; fc"));
    }

    // One step and one epoch read in the singular ("after 1 steps" was noticed by round 35A).
    [Test]
    public void TheSummaryLineCountsOneStepAndOneEpochInTheSingular()
    {
        var report = new TrainingReport(new TrainingResult(TrainingOutcome.BudgetReached, 1, 1, 0.5, null, TimeSpan.FromSeconds(1)),
            Array.Empty<LoggedStep>(), new TrainingModelInfo("fc", 17, 64, 4, "mse"));
        Assert.That(report.ToString(), Is.EqualTo("BudgetReached after 1 step (1 epoch), final training loss 0.5; fc"));
    }

    // The summary table puts every field of the result and the model in its own column: a diverged run's step and
    // reason, the epochs (not the steps), the wall time in seconds. Found by mutation testing (round 29B).
    [Test]
    public void TheSummaryTableHoldsEveryFieldInItsOwnColumn()
    {
        var report = new TrainingReport(new TrainingResult(TrainingOutcome.Diverged, 10, 2, 0.25,
                new DivergenceInfo(7, 0.5, double.PositiveInfinity, "the loss is not finite"), TimeSpan.FromSeconds(1.5)),
            Array.Empty<LoggedStep>(), new TrainingModelInfo("fc", 17, 64, 4, "mse"));
        var summary = report.SummaryToDataFrame();
        Assert.That(summary.Rows.Count, Is.EqualTo(1));
        var row = summary.Columns.ToDictionary(c => c.Name, c => c[0]);
        Assert.That(row, Is.EquivalentTo(new Dictionary<string, object?>
        {
            ["Outcome"] = "Diverged", ["Steps"] = 10, ["Epochs"] = 2, ["FinalTrainingLoss"] = 0.25, ["DivergedAtStep"] = 7,
            ["DivergenceReason"] = "the loss is not finite", ["WallTimeSeconds"] = 1.5, ["Model"] = "fc", ["ParameterCount"] = 17L,
            ["TrainingRowCount"] = 64, ["FeatureCount"] = 4, ["Loss"] = "mse",
        }));
    }
}
