using System.CommandLine;
using Catapults.ML.Data;
using Catapults.ML.Models;
using Catapults.ML.Runtime;
using Catapults.ML.Training;
using Spectre.Console;

// The study CLI. Until the full study lands, its default command trains the paper's 2-layer NTK network on the
// rank-2 task with mini-batch SGD and prints the loss curve's summary.
var seed = new Option<long>("--seed") { Description = "Seed of data, initialisation and batch order.", DefaultValueFactory = _ => 0 };
var batch = new Option<int>("--batch-size") { Description = "Mini-batch size b (n = full-batch GD).", DefaultValueFactory = _ => 50 };
var steps = new Option<int>("--steps") { Description = "Number of SGD steps.", DefaultValueFactory = _ => 2000 };
var rate = new Option<double>("--learning-rate") { Description = "Learning rate η.", DefaultValueFactory = _ => 2.0 };
var threads = new Option<int?>("--threads") { Description = "libtorch threads (1 for bit-identical runs)." };

var root = new RootCommand("Catapults in SGD: training dynamics studies on the Catapults.NET engine.")
{
    seed, batch, steps, rate, threads,
};
root.Subcommands.Add(Catapults.Study.FeatureStrength.FeatureStrengthCommand.Create());
root.SetAction(parse =>
{
    int b = parse.GetValue(batch);
    int maxSteps = parse.GetValue(steps);
    double eta = parse.GetValue(rate);
    if (b < 1 || b > 2000) return Fail($"--batch-size must be in 1..2000 (n), got {b}.");
    if (maxSteps < 1) return Fail($"--steps must be at least 1, got {maxSteps}.");
    if (!(eta > 0) || !double.IsFinite(eta)) return Fail($"--learning-rate must be positive, got {eta}.");
    TorchRuntime.Configure(new RuntimeOptions { Threads = parse.GetValue(threads) });

    var task = SyntheticTask.Rank2(100);
    var (train, test) = task.CreateSplits(2000, 1000, parse.GetValue(seed));
    using (train)
    using (test)
    using (var net = new FullyConnectedNetwork(new FullyConnectedOptions
    {
        InputDimension = 100, HiddenWidths = new[] { 1024 }, UseBias = false, Seed = parse.GetValue(seed),
    }))
    {
        AnsiConsole.MarkupLine($"[bold]Rank-2 regression[/], n = 2000, d = 100; {Markup.Escape(net.Describe())}; b = {b}, η = {eta}, {maxSteps} steps");
        var options = new TrainingOptions { LearningRate = eta, BatchSize = b, MaxSteps = maxSteps, ShuffleSeed = parse.GetValue(seed), FullLossEvery = 100 };
        var records = new RecordCollector();
        TrainingResult result = null!;
        if (AnsiConsole.Profile.Capabilities.Interactive)
        {
            AnsiConsole.Progress().Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
                .Start(ctx =>
                {
                    var bar = ctx.AddTask("training", maxValue: maxSteps);
                    records.Progress = step => bar.Value = step + 1;
                    result = Trainer.Train(net, train, options, new[] { records });
                });
        }
        else
        {
            result = Trainer.Train(net, train, options, new[] { records });
        }

        var table = new Table().AddColumn("step").AddColumn("train loss (full)");
        foreach (var r in records.Records.Where(r => r.FullTrainingLoss.HasValue && r.Step % 500 == 0))
            table.AddRow(r.Step.ToString(), r.FullTrainingLoss!.Value.ToString("F4"));
        AnsiConsole.Write(table);
        double testLoss = Trainer.EvaluateLoss(net, test, LossKind.MeanSquaredError);
        AnsiConsole.MarkupLine($"outcome [bold]{result.Outcome}[/] after {result.Steps} steps in {result.WallTime.TotalSeconds:F1} s; " +
                               $"train loss {result.FinalTrainingLoss?.ToString("F4") ?? "n/a"}, test loss {testLoss:F4}");
        if (result.Divergence is { } d) AnsiConsole.MarkupLine($"[red]diverged at step {d.Step}: {Markup.Escape(d.Reason)}[/]");
        return result.Diverged ? 1 : 0;
    }
});
return root.Parse(args).Invoke();

static int Fail(string message)
{
    Console.Error.WriteLine("error: " + message);
    return 2;
}

sealed class RecordCollector : ITrainingObserver
{
    public List<StepRecord> Records { get; } = new();
    public Action<int>? Progress { get; set; }
    public void OnStepCompleted(StepRecord record, TrainingContext context)
    {
        Records.Add(record);
        Progress?.Invoke(record.Step);
    }
}
