using System.Text.Json.Nodes;
using Catapults.ML.Training;
using Catapults.Pipelines.Trainers;

namespace Catapults.Pipelines.Tests.Trainers;

/// <summary>
/// report.json read back: a warm-up/decay schedule keeps its realised form, and a report written when "no last finite
/// loss" was stored as NaN reads as having none. Found by mutation testing (round 11B). A wall time of zero reads back,
/// and one beyond what a TimeSpan holds is refused as damage (round 14B).
/// </summary>
public sealed class ReportJsonReadBackTests
{
    private static TrainingReport Report(ILearningRateSchedule? schedule, DivergenceInfo? divergence) =>
        new(new TrainingResult(divergence is null ? TrainingOutcome.BudgetReached : TrainingOutcome.Diverged, 10, 2, 0.25, divergence, TimeSpan.FromSeconds(1.5))
            {
                RealisedSchedule = schedule,
            },
            Array.Empty<LoggedStep>(), new TrainingModelInfo("fc", 17, 64, 4, "mse"));

    [Test]
    public void AWarmupDecayScheduleIsKeptThroughTheReport()
    {
        var schedule = new WarmupDecaySchedule(0.1, warmupSteps: 2, totalSteps: 10, DecayKind.Linear, finalRate: 0.01);
        var json = JsonNode.Parse(ReportJson.Write(Report(schedule, null)).ToJsonString())!.AsObject();
        var read = ReportJson.Read(json, "report.json").Result.RealisedSchedule;
        Assert.That(read, Is.TypeOf<WarmupDecaySchedule>());
        for (int step = 0; step <= 12; step++)
            Assert.That(read!.LearningRateAt(step), Is.EqualTo(schedule.LearningRateAt(step)), $"step {step}");
    }

    [Test]
    public void ALastFiniteLossStoredAsNaNReadsAsNone()
    {
        var json = ReportJson.Write(Report(null, new DivergenceInfo(3, null, double.PositiveInfinity, "the loss is not finite")));
        // What reports written before the field was nullable hold.
        json["result"]!["divergence"]!["lastFiniteLoss"] = "NaN";
        var divergence = ReportJson.Read(JsonNode.Parse(json.ToJsonString())!.AsObject(), "report.json").Result.Divergence!;
        Assert.That(divergence.LastFiniteLoss, Is.Null);
        Assert.That(divergence.OffendingLoss, Is.EqualTo(double.PositiveInfinity));
        Assert.That(divergence.Step, Is.EqualTo(3));
    }

    private static TrainingReport ReadBack(JsonObject json) => ReportJson.Read(JsonNode.Parse(json.ToJsonString())!.AsObject(), "report.json");

    [Test]
    public void AWallTimeOfZeroReadsBack()
    {
        var report = new TrainingReport(new TrainingResult(TrainingOutcome.BudgetReached, 1, 1, 0.5, null, TimeSpan.Zero),
            Array.Empty<LoggedStep>(), new TrainingModelInfo("fc", 17, 64, 4, "mse"));
        Assert.That(ReadBack(ReportJson.Write(report)).Result.WallTime, Is.EqualTo(TimeSpan.Zero));
    }

    [Test]
    public void AWallTimeBeyondATimeSpanIsRefusedAsDamage()
    {
        var json = ReportJson.Write(Report(null, null));
        json["result"]!["wallTimeSeconds"] = 1e300;
        var ex = Assert.Throws<InvalidDataException>(() => ReadBack(json));
        Assert.That(ex!.Message, Is.EqualTo("report.json: result: field 'wallTimeSeconds' is 1E+300, expected a duration in seconds (0 or more)."));
    }

    // A report.json whose tables hold one named as a report's own table is damage, as every other fault of the entry is.
    [TestCase("summary")]
    [TestCase(" ")]
    public void ATableOfAReservedOrBlankNameIsRefusedAsDamage(string name)
    {
        var json = ReportJson.Write(Report(null, null));
        json["tables"]![name] = new JsonObject { ["rows"] = 0, ["columns"] = new JsonArray() };
        var ex = Assert.Throws<InvalidDataException>(() => ReadBack(json));
        Assert.That(ex!.Message, Does.StartWith("report.json"));
    }

    // Every field of the result travels through report.json to its own place: a diverged run's step, its last finite
    // loss and the loss that ended it are not swapped, the epochs are not the steps, and a realised milestone
    // schedule (what a rate controller leaves) keeps its rates. Found by mutation testing (round 29B).
    [Test]
    public void EveryResultFieldReadsBackInItsOwnPlace()
    {
        var schedule = new MilestoneSchedule(0.5, new[] { (3, 0.25), (6, 0.125) });
        var divergence = new DivergenceInfo(7, 0.75, 1e12, "the loss grew past the divergence factor");
        var written = new TrainingResult(TrainingOutcome.Diverged, 10, 2, 0.25, divergence, TimeSpan.FromSeconds(1.5)) { RealisedSchedule = schedule };
        var report = new TrainingReport(written, Array.Empty<LoggedStep>(), new TrainingModelInfo("fc", 17, 64, 4, "mse"));
        var read = ReadBack(ReportJson.Write(report)).Result;
        Assert.That((read.Outcome, read.Steps, read.Epochs, read.FinalTrainingLoss, read.WallTime),
            Is.EqualTo((TrainingOutcome.Diverged, 10, 2, (double?)0.25, TimeSpan.FromSeconds(1.5))));
        Assert.That(read.Divergence, Is.EqualTo(divergence));
        Assert.That(read.RealisedSchedule, Is.TypeOf<MilestoneSchedule>());
        for (int step = 0; step <= 8; step++)
            Assert.That(read.RealisedSchedule!.LearningRateAt(step), Is.EqualTo(schedule.LearningRateAt(step)), $"step {step}");
    }

    // A run that ended before any finite loss has no final loss: its report.json holds null there and reads back
    // without one, instead of being refused as damaged. Found by mutation testing (round 29B).
    [Test]
    public void AReportWithoutAFinalLossReadsBackWithoutOne()
    {
        var report = new TrainingReport(new TrainingResult(TrainingOutcome.Diverged, 0, 0, null,
                new DivergenceInfo(0, null, double.NaN, "the loss is not finite"), TimeSpan.FromSeconds(0.5)),
            Array.Empty<LoggedStep>(), new TrainingModelInfo("fc", 17, 64, 4, "mse"));
        var json = ReportJson.Write(report);
        Assert.That(json["result"]!.AsObject().ContainsKey("finalTrainingLoss") && json["result"]!["finalTrainingLoss"] is null, "written as null");
        var read = ReadBack(json).Result;
        Assert.That(read.FinalTrainingLoss, Is.Null);
        Assert.That(read.Divergence!.Step, Is.EqualTo(0));
    }

    // A divergence field renamed by a hand edit is refused naming it, not read as "no offending loss". Found by
    // mutation testing (round 29B).
    [Test]
    public void ARenamedDivergenceFieldIsRefusedNamingIt()
    {
        var json = ReportJson.Write(Report(null, new DivergenceInfo(3, 0.5, double.PositiveInfinity, "the loss is not finite")));
        var divergence = json["result"]!["divergence"]!.AsObject();
        var offending = divergence["offendingLoss"]!.DeepClone();
        divergence.Remove("offendingLoss");
        divergence["offendingLos"] = offending;
        var ex = Assert.Throws<InvalidDataException>(() => ReadBack(json));
        Assert.That(ex!.Message, Does.Contain("report.json: result.divergence").And.Contain("unknown field 'offendingLos'"));
    }

    // A steps table with an empty required cell is refused naming that row, counted from 0 as the table's own errors
    // count them. Found by mutation testing (round 29B).
    [Test]
    public void AnEmptyStepCellIsRefusedNamingItsRow()
    {
        var steps = new[] { new LoggedStep(0, 0, 0.5, 1.0, 32, null), new LoggedStep(1, 0, 0.5, 0.75, 32, null), new LoggedStep(2, 0, 0.5, 0.5, 32, null) };
        var report = new TrainingReport(new TrainingResult(TrainingOutcome.BudgetReached, 3, 1, 0.5, null, TimeSpan.FromSeconds(1)),
            steps, new TrainingModelInfo("fc", 17, 64, 4, "mse"));
        var json = ReportJson.Write(report);
        var batchSize = json["tables"]!["steps"]!["columns"]!.AsArray().Single(c => (string?)c!["name"] == "BatchSize")!;
        batchSize["values"]![1] = null;
        var ex = Assert.Throws<InvalidDataException>(() => ReadBack(json));
        Assert.That(ex!.Message, Is.EqualTo("report.json, table 'steps': row 1 has an empty Step, Epoch, LearningRate, BatchLoss or BatchSize."));
    }
}
