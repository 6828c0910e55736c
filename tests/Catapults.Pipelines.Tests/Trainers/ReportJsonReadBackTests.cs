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
}
