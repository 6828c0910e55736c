using System.Text.Json.Nodes;
using Catapults.ML.Training;
using Catapults.Pipelines.Trainers;

namespace Catapults.Pipelines.Tests.Trainers;

/// <summary>
/// Saved trainer options: a schedule's kind is found wherever it stands in its object, as a hand edit may put it.
/// Found by mutation testing (round 14B).
/// </summary>
public sealed class OptionsJsonTests
{
    [Test]
    public void AScheduleKindAfterItsOtherFieldsIsRead()
    {
        var options = new TorchNetworkRegressionTrainer.Options { Training = TorchNetworkDefaults.Training with { Schedule = new ConstantSchedule(0.2) } };
        var json = OptionsJson.Write(options);
        var schedule = json["Training"]!["Schedule"]!.AsObject();
        var kind = schedule["kind"]!.DeepClone();
        schedule.Remove("kind");
        schedule["kind"] = kind;
        Assert.That(schedule.Select(p => p.Key).Last(), Is.EqualTo("kind"), "the kind now stands last");
        var read = OptionsJson.Read<TorchNetworkRegressionTrainer.Options>(JsonNode.Parse(json.ToJsonString())!, "network.json");
        Assert.That(read.Training.Schedule, Is.EqualTo(new ConstantSchedule(0.2)));
    }
}
