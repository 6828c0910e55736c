using System.CommandLine;
using System.Globalization;
using Catapults.ML.Spectra;
using Catapults.ML.Training;
using Catapults.Study.Infrastructure;

namespace Catapults.Study.OptimizerComparison;

/// <summary>
/// The <c>optimizers</c> experiment: SGD, SGD with momentum, Adam, RMSprop and Adagrad on the same task and batch
/// size, two learning rates each, several seeds; AGOP alignment against test performance and their correlation.
/// </summary>
public static class OptimizersCommand
{
    /// <summary>Learning rates per optimiser: SGD and momentum as fractions of η_crit(GD, init) (momentum divided by 1/(1−β) = 10), the adaptive ones absolute.</summary>
    public static readonly IReadOnlyList<(OptimizerKind Kind, double[] Rates, bool RelativeToCritical)> Grid = new[]
    {
        (OptimizerKind.Sgd, new[] { 0.3, 0.9 }, true),
        (OptimizerKind.Momentum, new[] { 0.03, 0.09 }, true),
        (OptimizerKind.Adam, new[] { 3e-4, 1e-3 }, false),
        (OptimizerKind.RmsProp, new[] { 3e-4, 1e-3 }, false),
        (OptimizerKind.Adagrad, new[] { 1e-2, 3e-2 }, false),
    };

    /// <summary>The sub-command.</summary>
    public static Command Create()
    {
        var command = new Command("optimizers", "SGD, momentum, Adam, RMSprop and Adagrad on one task: AGOP alignment against test performance.");
        var common = new CommonOptions();
        common.AddTo(command);
        var batch = new Option<int?>("--batch-size") { Description = "Batch size b (default 50)." };
        var steps = new Option<int?>("--steps") { Description = "Steps per run (default 1500; quick 300)." };
        var record = new Option<int?>("--record-every") { Description = "Steps between rows of steps.csv (default 25)." };
        foreach (Option o in new Option[] { batch, steps, record }) command.Options.Add(o);

        command.SetAction(Cli.Guard((parse, ct) =>
        {
            bool quick = parse.GetValue(common.Quick);
            var dataSettings = common.DataSettings(parse, quick ? 500 : 2000, quick ? 500 : 1000);
            int b = Cli.BatchSize(parse.GetValue(batch) ?? 50, dataSettings.TrainCount, "--batch-size");
            int maxSteps = parse.GetValue(steps) ?? (quick ? 300 : 1500);
            int recordEvery = parse.GetValue(record) ?? 25;
            if (maxSteps < 1) throw new ConfigurationException($"--steps must be at least 1, got {maxSteps}.");
            if (recordEvery < 1) throw new ConfigurationException($"--record-every must be at least 1, got {recordEvery}.");
            int checkpointEvery = common.CheckpointEveryFor(parse, recordEvery, recordEvery * 20);
            int seeds = common.SeedCount(parse, quick ? 1 : 2);
            int? threads = common.ConfigureThreads(parse);
            string output = common.OutputFor(parse, "optimizers");
            var network = common.NetworkFor(parse, quick ? 256 : null);

            using var data = StudyData.Load(dataSettings);
            Directory.CreateDirectory(output);
            RunConfig Config(OptimizerKind kind, double rate, int seed) => new()
            {
                Experiment = "optimizers", Label = $"{kind.ToString().ToLowerInvariant()}-lr{rate.ToString("G3", CultureInfo.InvariantCulture)}-seed{seed}",
                Data = dataSettings, Network = network, Training = RunConfig.TrainingFor(rate, b, maxSteps, seed, recordEvery, optimizer: kind), Seed = seed,
                RecordEvery = recordEvery, CheckpointEvery = checkpointEvery, Threads = threads,
            };
            double etaCrit;
            using (var model = RunExecutor.CreateModel(Config(OptimizerKind.Sgd, 1, 0), data))
                etaCrit = CriticalLearningRate.Compute(model, data.Train.Features).Value;
            var configs = (from g in Grid from r in g.Rates from s in Enumerable.Range(0, seeds)
                           select Config(g.Kind, g.RelativeToCritical ? r * etaCrit : r, s)).ToList();
            Console.WriteLine($"optimizers: {data.Name}, n = {data.Train.Count}, b = {b}, {maxSteps} steps, η_crit(GD, init) = {etaCrit:G4}; {configs.Count} runs");
            var runs = StudyProgress.Run(configs.Select(c => new StudyProgress.Item(c.Label, c.MaxSteps)).ToList(),
                (i, progress) => RunExecutor.Run(configs[i], data, Path.Combine(output, "runs", configs[i].Label), parse.GetValue(common.Resume),
                    new RunHooks { Progress = progress }, ct),
                r => $"{r.Summary.Outcome}, test loss {r.Summary.TestLoss:G4}, alignment {r.Summary.AgopAlignment:F3}");
            OptimizersReport.Write(output, data, runs, etaCrit);
            return 0;
        }));
        return command;
    }
}
