using System.CommandLine;
using System.Globalization;
using Catapults.ML.Spectra;
using Catapults.ML.Training;
using Catapults.Study.Infrastructure;

namespace Catapults.Study.GdCatapults;

/// <summary>
/// The <c>gd-catapults</c> experiment: full-batch GD whose learning rate is raised every few hundred steps to
/// <c>factor × η_crit</c> at that moment (so each raise is above the current critical rate and starts a catapult);
/// plots loss, λ_max(K) and η_crit with the catapults marked, and reports test loss and AGOP alignment after each.
/// </summary>
public static class GdCatapultsCommand
{
    /// <summary>The sub-command.</summary>
    public static Command Create()
    {
        var command = new Command("gd-catapults", "Full-batch GD with the learning rate raised above η_crit in steps: multiple catapults.");
        var common = new CommonOptions();
        common.AddTo(command);
        var raises = new Option<int?>("--raises") { Description = "Number of learning-rate raises (default 2)." };
        var phase = new Option<int?>("--phase-steps") { Description = "Steps between raises (default 300; quick 120)." };
        var factor = new Option<double?>("--raise-factor") { Description = "Each raise sets η = factor × η_crit at that step (default 1.1; must be > 1; the NTK of the ReLU net cannot drop below about n, so η above about 1 diverges)." };
        var initial = new Option<double?>("--initial-fraction") { Description = "η at the start as a fraction of η_crit at init (default 0.5)." };
        var record = new Option<int?>("--record-every") { Description = "Steps between rows (losses, λ_max, η_crit, alignment) (default 5)." };
        foreach (Option o in new Option[] { raises, phase, factor, initial, record }) command.Options.Add(o);

        command.SetAction(Cli.Guard((parse, ct) =>
        {
            bool quick = parse.GetValue(common.Quick);
            int raiseCount = parse.GetValue(raises) ?? 2;
            int phaseSteps = parse.GetValue(phase) ?? (quick ? 120 : 300);
            double raiseFactor = parse.GetValue(factor) ?? 1.1;
            double initialFraction = parse.GetValue(initial) ?? 0.5;
            int recordEvery = parse.GetValue(record) ?? 5;
            if (raiseCount < 1) throw new ConfigurationException($"--raises must be at least 1, got {raiseCount}.");
            if (phaseSteps < 2) throw new ConfigurationException($"--phase-steps must be at least 2, got {phaseSteps}.");
            if ((long)phaseSteps * (raiseCount + 2L) > int.MaxValue)
                throw new ConfigurationException($"--phase-steps {phaseSteps} × (--raises {raiseCount} + 2) steps is more than a run can count ({int.MaxValue}).");
            if (!(raiseFactor > 1) || !double.IsFinite(raiseFactor)) throw new ConfigurationException($"--raise-factor must be above 1, got {raiseFactor}.");
            Cli.PositiveRate(initialFraction, "--initial-fraction");
            if (recordEvery < 1) throw new ConfigurationException($"--record-every must be at least 1, got {recordEvery}.");
            int checkpointEvery = common.CheckpointEveryFor(parse, recordEvery, recordEvery * 20);
            var dataSettings = common.DataSettings(parse, quick ? 256 : 1000, quick ? 500 : 1000);
            int seeds = common.SeedCount(parse, 1);
            int? threads = common.ConfigureThreads(parse);
            string output = common.OutputFor(parse, "gd-catapults");
            var network = common.NetworkFor(parse, quick ? 256 : 1024);

            using var data = StudyData.Load(dataSettings);
            Directory.CreateDirectory(output);
            var runs = new List<(RunOutcome Run, IReadOnlyList<Milestone> Raises)>();
            for (int seed = 0; seed < seeds; seed++)
            {
                var config = new RunConfig
                {
                    Experiment = "gd-catapults", Label = $"gd-seed{seed}", Data = dataSettings, Architecture = network.Architecture, Width = network.Width, UseBias = network.UseBias,
                    LearningRate = 1, BatchSize = data.Train.Count, MaxSteps = phaseSteps * (raiseCount + 2), Seed = seed,
                    RecordEvery = recordEvery, CheckpointEvery = checkpointEvery, Threads = threads,
                    ExperimentOptions = new Dictionary<string, string>
                    {
                        ["--raises"] = raiseCount.ToString(CultureInfo.InvariantCulture),
                        ["--phase-steps"] = phaseSteps.ToString(CultureInfo.InvariantCulture),
                        ["--raise-factor"] = raiseFactor.ToString("R", CultureInfo.InvariantCulture),
                        ["--initial-fraction"] = initialFraction.ToString("R", CultureInfo.InvariantCulture),
                    },
                };
                double eta0;
                using (var model = RunExecutor.CreateModel(config, data))
                    eta0 = initialFraction * CriticalLearningRate.Compute(model, data.Train.Features).Value;
                config = config with { LearningRate = eta0 };
                var raiser = new RateRaiser(eta0, phaseSteps, raiseCount, raiseFactor, data.Train.Features);
                var probes = new List<IStepProbe> { new CriticalRateProbe(data.Train.Features) };
                if (data.ReferenceAgop is { } reference) probes.Add(new AlignmentProbe(data.Test, reference));
                var items = new[] { new StudyProgress.Item(config.Label, config.MaxSteps) };
                var outcome = StudyProgress.Run(items, (_, progress) => RunExecutor.Run(config, data, Path.Combine(output, "runs", config.Label), parse.GetValue(common.Resume),
                    new RunHooks { Probes = probes, Observers = new[] { raiser }, Schedule = raiser.Schedule, SharpnessColumn = "lambda_max", Progress = progress }, ct),
                    r => $"{r.Summary.Outcome}, {r.Summary.Catapults} catapults, test loss {r.Summary.TestLoss:G4}")[0];
                // The realised raises make the run reproducible with a plain MilestoneSchedule.
                RunDirectory.WriteConfig(outcome.Directory, config with { Milestones = raiser.Milestones });
                runs.Add((outcome with { Config = config with { Milestones = raiser.Milestones } }, raiser.Milestones));
            }
            GdCatapultsReport.Write(output, data, runs, raiseFactor, phaseSteps);
            return 0;
        }));
        return command;
    }

    /// <summary>
    /// Raises the rate to factor × η_crit(full batch) every <c>phase</c> steps (<c>raises</c> times, then one phase to
    /// settle), from the weights the next step starts at. Its state (the raises so far) goes into the checkpoint as
    /// rate-raiser.json, and the schedule's rate is the last raise's.
    /// </summary>
    private sealed class RateRaiser(double initial, int phase, int raises, double factor, TorchSharp.torch.Tensor inputs) : ICheckpointedObserver
    {
        private const string StateFile = "rate-raiser.json";

        public AdjustableSchedule Schedule { get; } = new(initial);
        public List<Milestone> Milestones { get; } = new();

        public void SaveState(string folder) => StudyJson.Write(Path.Combine(folder, StateFile), Milestones);

        public void RestoreState(string folder)
        {
            string path = Path.Combine(folder, StateFile);
            if (!File.Exists(path)) throw new InvalidDataException($"{path} is missing: the learning-rate raises cannot resume without it.");
            var saved = StudyJson.Read<List<Milestone>>(path);
            Milestones.Clear();
            Milestones.AddRange(saved);
            Schedule.LearningRate = saved.Count > 0 ? saved[^1].Rate : initial;
        }

        public void OnStepCompleted(StepRecord record, TrainingContext context)
        {
            int next = record.Step + 1;
            if (next % phase != 0 || Milestones.Count >= raises) return;
            var crit = Finite.Guard(context.Model, next, "the critical rate of a raise", () => CriticalLearningRate.Compute(context.Model, inputs)).Value;
            if (!double.IsFinite(crit)) throw new NonFiniteValueException(next, $"the critical rate of the raise at step {next} is {crit}");
            if (crit <= 0) return;
            double rate = factor * crit;
            Schedule.LearningRate = rate;
            Milestones.Add(new Milestone(next, rate));
        }
    }
}
