using System.Text.Json.Nodes;
using Catapults.ML.Models;
using Catapults.ML.Tests.Data.Fixtures;
using Catapults.ML.Training;
using Catapults.Study.Infrastructure;

namespace Catapults.Study.Tests;

/// <summary>
/// State.json values of the newest checkpoint that no run writes, edited in with the checksums left intact (state.json
/// has none of its own): the checkpoint is not trusted, the run resumes from the previous one (checkpoint.old, step 60)
/// and says why. Found by mutation testing (6 Dec 2026, round 12B): the damaged-checkpoint tests never edit these fields.
/// </summary>
public sealed class CheckpointStateTrustTests
{
    private static readonly RunConfig Config = new()
    {
        Experiment = "test", Label = "trust", Data = new DataSettings { TrainCount = 60, TestCount = 20, InputDimension = 5 },
        Network = new NetworkDescription { Width = 8 }, Training = RunConfig.TrainingFor(0.05, 10, 120, 1, 10), Seed = 1,
        RecordEvery = 10, CheckpointEvery = 30,
    };

    // Off the record grid, and past the budget: named as the step at fault, not as rows that end elsewhere.
    [TestCase("step", "95", "step 95 is not a recorded step in 1..120 (the budget)")]
    [TestCase("step", "150", "step 150 is not a recorded step in 1..120 (the budget)")]
    [TestCase("referenceLoss", "-1", "the reference loss")]
    [TestCase("referenceLoss", "0", "the reference loss")]
    [TestCase("wallSeconds", "\"NaN\"", "the wall time")]
    [TestCase("lastBatchLoss", "null", "the last step's rate and batch loss are missing or not finite")]
    [TestCase("lastLearningRate", "\"Infinity\"", "the last step's rate and batch loss are missing or not finite")]
    public void AnEditedStateFallsBackToThePreviousCheckpoint(string field, string value, string named)
    {
        using var temp = new TempDirectory();
        using var data = StudyData.Load(Config.Data);
        string dir = KilledAtStep100(temp, data);
        string state = Path.Combine(dir, "checkpoint", "state.json");
        var node = JsonNode.Parse(File.ReadAllText(state))!.AsObject();
        Assert.That(node.ContainsKey(field), field);
        node[field] = JsonNode.Parse(value);
        File.WriteAllText(state, node.ToJsonString());

        var output = new StringWriter();
        var console = Console.Out;
        Console.SetOut(output);
        RunOutcome run;
        try
        {
            run = RunExecutor.Run(Config, data, dir, resume: true);
        }
        finally
        {
            Console.SetOut(console);
        }
        Assert.That(run.Summary.ResumedFromStep, Is.EqualTo(60), output.ToString());
        Assert.That(output.ToString(), Does.Contain(named).And.Contain("the run resumes from the previous checkpoint"));
    }

    // Zero is a loss a run can record (an interpolating fit): the checks refuse negative losses, not zero ones, so a
    // checkpoint holding one is resumed rather than costing the steps since the previous checkpoint.
    [Test]
    public void ARecordedLossOfZeroIsTrusted()
    {
        using var temp = new TempDirectory();
        using var data = StudyData.Load(Config.Data);
        string dir = KilledAtStep100(temp, data);
        string state = Path.Combine(dir, "checkpoint", "state.json");
        var node = JsonNode.Parse(File.ReadAllText(state))!.AsObject();
        var row = node["rows"]![3]!.AsObject();
        Assert.That(row.ContainsKey("trainLoss"), row.ToJsonString());
        row["trainLoss"] = 0;
        File.WriteAllText(state, node.ToJsonString());

        var run = RunExecutor.Run(Config, data, dir, resume: true);
        Assert.That(run.Summary.ResumedFromStep, Is.EqualTo(90));
        Assert.That(run.Rows.Single(r => r.Step == 30).TrainLoss, Is.EqualTo(0), "the row as the checkpoint held it");
    }

    // A run killed at step 100: checkpoints at 90 (checkpoint/) and 60 (checkpoint.old/).
    private static string KilledAtStep100(TempDirectory temp, StudyData data)
    {
        string dir = temp.Combine("run");
        using var cancel = new CancellationTokenSource();
        Assert.Throws<OperationCanceledException>(() => RunExecutor.Run(Config, data, dir, resume: false,
            new RunHooks { Progress = step => { if (step == 100) cancel.Cancel(); } }, cancel.Token));
        return dir;
    }
}
