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
            var network = common.NetworkFor(parse, quick ? 256 : null);

            using var data = StudyData.Load(dataSettings);
            Directory.CreateDirectory(output);
            var runs = new List<(RunOutcome Run, IReadOnlyList<LearningRateMilestone> Raises)>();
            for (int seed = 0; seed < seeds; seed++)
            {
                var config = new RunConfig
                {
                    Experiment = "gd-catapults", Label = $"gd-seed{seed}", Data = dataSettings, Network = network,
                    Training = RunConfig.TrainingFor(1, data.Train.Count, phaseSteps * (raiseCount + 2), seed, recordEvery), Seed = seed,
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
                config = config with
                {
                    Training = config.Training with
                    {
                        LearningRate = eta0,
                        RateController = new RateRaiser(phaseSteps, raiseCount, raiseFactor, data.Train.Features),
                    },
                };
                var probes = new List<IStepProbe> { new CriticalRateProbe(data.Train.Features) };
                if (data.ReferenceAgop is { } reference) probes.Add(new AlignmentProbe(data.Test, reference));
                var items = new[] { new StudyProgress.Item(config.Label, config.MaxSteps) };
                var outcome = StudyProgress.Run(items, (_, progress) => RunExecutor.Run(config, data, Path.Combine(output, "runs", config.Label), parse.GetValue(common.Resume),
                    new RunHooks { Probes = probes, SharpnessColumn = "lambda_max", Progress = progress }, ct),
                    r => $"{r.Summary.Outcome}, {r.Summary.Catapults} catapults, test loss {r.Summary.TestLoss:G4}")[0];
                // summary.json keeps the realised raises, which rerun the same steps as a plain MilestoneSchedule.
                runs.Add((outcome, outcome.Summary.RealisedSchedule?.Milestones ?? Array.Empty<LearningRateMilestone>()));
            }
            GdCatapultsReport.Write(output, data, runs, raiseFactor, phaseSteps);
            return 0;
        }));
        return command;
    }

    /// <summary>
    /// Raises the rate to factor × η_crit(full batch) every <c>phase</c> steps (<c>raises</c> times, then one phase to
    /// settle), from the weights the step starts at. It keeps no state: the raises so far are the realised schedule's
    /// milestones, which the trainer restores from a checkpoint, so a resumed run raises exactly as an uninterrupted one.
    /// </summary>
    private sealed class RateRaiser(int phase, int raises, double factor, TorchSharp.torch.Tensor inputs) : ILearningRateController
    {
        public double RateFor(int step, double scheduledRate, MilestoneSchedule? realisedSoFar, TrainingContext context)
        {
            var done = realisedSoFar?.Milestones ?? Array.Empty<LearningRateMilestone>();
            double current = done.Count > 0 ? done[^1].Rate : scheduledRate;
            if (step == 0 || step % phase != 0 || done.Count >= raises) return current;
            var crit = Finite.Guard(context.Model, step, "the critical rate of a raise", () => CriticalLearningRate.Compute(context.Model, inputs)).Value;
            if (!double.IsFinite(crit)) throw new NonFiniteValueException(step, $"the critical rate of the raise at step {step} is {crit}");
            return crit <= 0 ? current : factor * crit;
        }
    }
}
