using System.Diagnostics;
using Catapults.ML.Diagnostics;
using Catapults.ML.Features;
using Catapults.ML.Models;
using Catapults.ML.Training;

namespace Catapults.Study.Infrastructure;

/// <summary>
/// Trains one run and writes its directory: config.json, steps.csv, events.json, summary.json, model.safetensors and
/// (synthetic data) data.safetensors. Checkpoints every <see cref="RunConfig.CheckpointEvery"/> steps; with
/// <c>resume</c> a finished run is read back and an unfinished one continues from its checkpoint, giving the same
/// result as an uninterrupted run on one libtorch thread (batches are a pure function of the step and seed). A
/// finished run keeps its observers' final state in <c>observers/</c>, so reading it back restores them as well.
/// </summary>
public static class RunExecutor
{
    /// <summary>Runs (or resumes, or reads back) <paramref name="config"/> on <paramref name="data"/> in <paramref name="directory"/>.</summary>
    /// <exception cref="ConfigurationException">The configuration does not fit the data as loaded (checked before anything is written).</exception>
    public static RunOutcome Run(RunConfig config, StudyData data, string directory, bool resume, RunHooks? hooks = null, CancellationToken cancellationToken = default)
    {
        Validate(config, data);
        hooks ??= new RunHooks();
        RequireRecordCadence(config, hooks);
        if (resume && !hooks.Resumable)
            throw new InvalidOperationException("The run has observers whose state is not checkpointed, so it cannot resume; implement ICheckpointedObserver.");
        if (resume && File.Exists(Path.Combine(directory, "summary.json")))
        {
            // A finished run is trusted only when every file, config.json included, matches the checksums written
            // with it; otherwise it is trained again from the start (its checkpoint, if a kill left one, is dropped
            // with it). An intact config.json written with other options is an error.
            if ((RunDirectory.VerifyFinished(directory) ?? RunDirectory.CheckStoredConfig(directory, config) ?? ColumnsProblem(directory, hooks.Columns.SelectMany(c => c.Columns).ToList())) is string problem)
            {
                Cli.WriteNotice($"{config.Label}: {problem}", "; the finished run is not trusted and is run again.");
                resume = false;
            }
            else
            {
                var finished = RunDirectory.Read(directory);
                string observerFolder = RunDirectory.ObserverFolder(directory);
                foreach (var observer in hooks.Checkpointed) observer.RestoreState(observerFolder);
                Checkpoint.Delete(directory);
                return finished;
            }
        }
        bool canResume = resume && Checkpoint.Exists(directory);
        if (canResume && RunDirectory.CheckStoredConfig(directory, config) is string damaged)
        {
            Cli.WriteNotice($"{config.Label}: {damaged}", "; its checkpoint is not trusted and the run starts over.");
            canResume = false;
        }
        // With no checkpoint that verifies there is nothing to resume from; refusing would leave a cell that no retry
        // can finish (run-cell has no --resume to leave out).
        Checkpoint.Usable? checkpoint = null;
        if (canResume && (checkpoint = Checkpoint.FindUsable(directory, config, out string? unusable)) is null)
            Cli.WriteNotice($"{config.Label}: {unusable}", "; the run starts over.");
        int columnCount = hooks.Columns.Sum(c => c.Columns.Count);
        if (checkpoint is not null && checkpoint.State.Rows.FirstOrDefault(r => r.Extra.Count != columnCount) is { } misfit)
        {
            // A checkpoint of a build that recorded other columns (sgd-spikes had no lambda_max before 5 Dec 2026): its
            // rows cannot be continued into this build's steps.csv.
            Console.WriteLine($"{config.Label}: {checkpoint.Folder} holds rows of {misfit.Extra.Count} extra columns, not this run's {columnCount}; the run starts over.");
            checkpoint = null;
        }
        if (checkpoint is null && Directory.Exists(directory)) Directory.Delete(directory, true);
        Directory.CreateDirectory(directory);
        RunDirectory.WriteConfig(directory, config);

        using var model = CreateModel(config, data);
        using var trainer = new Trainer(model, config.Training);
        var recorder = new Recorder(config, data, directory, trainer, model, hooks);
        if (checkpoint is not null)
        {
            var state = Checkpoint.Load(checkpoint, model, trainer.Optimizer, hooks.Checkpointed);
            trainer.ResumeAt(state.Step, state.ReferenceLoss, state.RealisedSchedule);
            recorder.Restore(state);
        }

        // The recorder comes last, so a checkpoint it writes after a step holds every observer's state after that step.
        var result = trainer.Run(data.Train, hooks.Observers.Concat(hooks.ColumnProbesNotObserved).Append(recorder), cancellationToken);
        if (result.Outcome == TrainingOutcome.Cancelled) throw new OperationCanceledException(cancellationToken);
        return recorder.Finish(result);
    }

    /// <summary>
    /// Checks every run of an experiment against the data as loaded (its effective n, after class balancing), before
    /// the first one starts: batch sizes, probe indices, training options, memory, and that no two runs share a label
    /// (and so a directory).
    /// </summary>
    /// <exception cref="ConfigurationException">A run does not fit; the message names the option.</exception>
    public static void ValidatePlan(IReadOnlyList<RunConfig> configs, StudyData data)
    {
        foreach (var config in configs) Validate(config, data);
        var shared = configs.GroupBy(c => c.Label, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (shared is not null)
            throw new ConfigurationException(
                $"two runs would share the label {shared.Key} and its directory (batch sizes {string.Join(" and ", shared.Select(c => c.BatchSize))} with n = {data.Train.Count}); list each configuration once.");
    }

    /// <summary>Checks one run against the data as loaded; see <see cref="ValidatePlan"/>.</summary>
    /// <exception cref="ConfigurationException">The run does not fit; the message names the option.</exception>
    public static void Validate(RunConfig config, StudyData data)
    {
        int n = data.Train.Count;
        if (config.BatchSize < 1 || config.BatchSize > n)
            throw new ConfigurationException($"batch size {config.BatchSize} must be in 1..{n} (n, the training set size as loaded{(n != config.Data.TrainCount ? $"; --n-train {config.Data.TrainCount} gave {n} after class balancing" : "")}).");
        if (config.ProbeIndices.Any(i => i < 0 || i >= n))
            throw new ConfigurationException($"the probe set of {config.Label} indexes past the {n} training samples as loaded; lower --probe-size or raise --n-train.");
        // What the options guarantee, checked again for a configuration edited into plan.json: checkpoints are taken at
        // recorded steps, so one off the record grid would be skipped without a word.
        if (config.RecordEvery < 1)
            throw new ConfigurationException($"recordEvery of {config.Label} is {config.RecordEvery}, expected at least 1.");
        if (config.CheckpointEvery < 0 || config.CheckpointEvery % config.RecordEvery != 0)
            throw new ConfigurationException($"checkpointEvery of {config.Label} is {config.CheckpointEvery}, expected 0 or a multiple of recordEvery ({config.RecordEvery}).");
        try
        {
            config.Training.Validate(n);
        }
        catch (ArgumentException ex)
        {
            string option = ex.ParamName switch
            {
                nameof(TrainingOptions.TargetLoss) => "--target-loss",
                nameof(TrainingOptions.LearningRate) => "--learning-rate",
                nameof(TrainingOptions.BatchSize) => "--batch-size",
                nameof(TrainingOptions.MaxSteps) => "--max-steps",
                _ => config.Label,
            };
            throw ConfigurationException.From(ex, option);
        }
        RequireMemory(config, data);
    }

    /// <summary>
    /// Why the finished run in <paramref name="directory"/> is not one of this build's runs with the steps.csv columns
    /// <paramref name="expected"/> after the fixed ones, or null: a run written before a column existed cannot give what
    /// the report reads from it, such as the catapults, which need λ_max.
    /// </summary>
    internal static string? ColumnsProblem(string directory, IReadOnlyList<string> expected)
    {
        var found = RunOutcome.ExtraColumnsIn(directory);
        return found.SequenceEqual(expected)
            ? null
            : $"{Path.Combine(directory, "steps.csv")} has the columns [{string.Join(", ", found)}] after the fixed ones, not this run's [{string.Join(", ", expected)}]";
    }

    private static void RequireRecordCadence(RunConfig config, RunHooks hooks)
    {
        // A probe on another cadence would leave recorded rows without its values.
        if (hooks.Columns.FirstOrDefault(c => c.Probe.Every != config.RecordEvery) is { } other)
            throw new ArgumentException(
                $"The {other.Probe.Name} probe of {config.Label} measures every {other.Probe.Every} steps, but the run records every {config.RecordEvery}.", nameof(hooks));
    }

    // Training's own bound (TrainingMemory: weights, gradients, optimiser state and the activations of a batch) at the
    // full batch, which GD and the critical rate at initialisation take, and the data. It only has to catch sizes that
    // cannot fit; building it from the network's description also refuses a network that does not fit the data's shape.
    private static void RequireMemory(RunConfig config, StudyData data)
    {
        double d = data.InputShape.Aggregate(1.0, (a, b) => a * b);
        double n = data.Train.Count + data.Test.Count;
        double training;
        try
        {
            training = TrainingMemory.Bytes(config.Network, data.InputShape, data.OutputCount, config.Training with { BatchSize = null }, data.Train.Count);
        }
        catch (ArgumentException ex)
        {
            throw ConfigurationException.From(ex, $"--arch '{config.Network.Architecture}'");
        }
        string width = config.Network.EffectiveWidth?.ToString(CultureInfo.InvariantCulture) ?? "its default";
        ConfigurationException.RequireMemory(training + sizeof(float) * n * (d + data.OutputCount),
            $"{config.Network.Architecture} of width {width} on {data.Train.Count} + {data.Test.Count} samples of size {d} (--width, --n-train, --n-test)");
    }

    /// <summary>
    /// The catapult detector of <paramref name="config"/> fed with <paramref name="rows"/>' finite training losses and,
    /// where <paramref name="sharpnessColumn"/> ≥ 0, the λ_max of that extra column (a catapult then needs it lower).
    /// </summary>
    public static CatapultDetector DetectorOver(RunConfig config, IEnumerable<StepRow> rows, int sharpnessColumn)
    {
        var detector = new CatapultDetector(new CatapultDetectorOptions
        {
            SmoothingWindow = config.DetectorSmoothing,
            RiseFactor = config.DetectorRiseFactor,
            RequireSharpnessDecrease = sharpnessColumn >= 0,
        });
        foreach (var r in rows.Where(r => double.IsFinite(r.TrainLoss)))
            detector.Add(new LossPoint(r.Step, r.TrainLoss, sharpnessColumn >= 0 ? r.Extra[sharpnessColumn] : null));
        return detector;
    }

    /// <summary>The network of <paramref name="config"/> for <paramref name="data"/>.</summary>
    /// <exception cref="ConfigurationException">The architecture does not exist or does not fit in memory.</exception>
    public static NetworkModule CreateModel(RunConfig config, StudyData data)
    {
        try
        {
            RequireMemory(config, data);
            return config.Network.Build(data.InputShape, data.OutputCount, config.Seed);
        }
        catch (ArgumentException ex)
        {
            throw ConfigurationException.From(ex, $"--arch '{config.Network.Architecture}'");
        }
    }

    // Rows are written before a step, where the weights are w_t and the probes have just measured them; the rate
    // and batch loss of a row are those of the step before it. Checkpoints are written after a step, so a resumed
    // run writes the row at its first step itself, from the last rate and batch loss the checkpoint keeps.
    private sealed class Recorder(RunConfig config, StudyData data, string directory, Trainer trainer, NetworkModule model, RunHooks hooks) : ITrainingObserver
    {
        private readonly List<StepRow> _rows = new();
        private double _previousWall;
        private double? _lastRate;
        private double? _lastBatchLoss;
        private int? _resumedFrom;
        private readonly Stopwatch _clock = new();

        public void Restore(Checkpoint.State state)
        {
            _rows.AddRange(state.Rows);
            _previousWall = state.WallSeconds;
            _resumedFrom = state.Step;
            _lastRate = state.LastLearningRate;
            _lastBatchLoss = state.LastBatchLoss;
        }

        public void OnTrainingStarted(TrainingContext context) => _clock.Start();

        public void OnBeforeStep(StepContext step)
        {
            if (step.Step % config.RecordEvery != 0 || (_rows.Count > 0 && _rows[^1].Step >= step.Step)) return;
            // Through the context, so the trainer's target-loss check at this step reads the same pass.
            Record(step.Step, step.Training.ComputeFullTrainingLoss());
        }

        public void OnStepCompleted(StepRecord record, TrainingContext context)
        {
            int updates = record.Step + 1;
            _lastRate = record.LearningRate;
            _lastBatchLoss = record.BatchLoss;
            hooks.Progress?.Invoke(updates);
            if (config.CheckpointEvery > 0 && updates % config.CheckpointEvery == 0 && updates % config.RecordEvery == 0 && hooks.Resumable)
                Checkpoint.Save(directory, context.Model, trainer.Optimizer,
                    new Checkpoint.State(updates, trainer.ReferenceLoss, _previousWall + _clock.Elapsed.TotalSeconds, _rows.ToList())
                    {
                        RealisedSchedule = RealisedSchedule(),
                        LastLearningRate = _lastRate,
                        LastBatchLoss = _lastBatchLoss,
                    },
                    hooks.Checkpointed);
        }

        // A row is recorded only when every value in it is finite: a non-finite one ends the run as diverged
        // (the trainer catches the exception), so steps.csv never holds Infinity or NaN.
        private void Record(int step, double? trainLoss = null)
        {
            if (!model.HasFiniteParameters()) throw new NonFiniteValueException(step, $"the weights after {step} steps are not finite");
            double train = trainLoss ?? Losses.Evaluate(model, data.Train, trainer.Options.Loss);
            if (!double.IsFinite(train)) throw new NonFiniteValueException(step, $"the full training loss after {step} steps is {train}");
            double test = Losses.Evaluate(model, data.Test, trainer.Options.Loss);
            if (!double.IsFinite(test)) throw new NonFiniteValueException(step, $"the test loss after {step} steps is {test}");
            var extra = new List<double?>();
            foreach (var columns in hooks.Columns)
            {
                var values = columns.ValuesAt(step);
                for (int i = 0; i < values.Count; i++)
                    if (values[i] is double v && !double.IsFinite(v))
                        throw new NonFiniteValueException(step, $"{columns.Columns[i]} after {step} steps is {v}");
                extra.AddRange(values);
            }
            // The first row has no step before it: no batch loss, and the schedule's first rate.
            double rate = _lastRate ?? trainer.Options.EffectiveSchedule().LearningRateAt(0);
            _rows.Add(new StepRow(step, rate, _lastBatchLoss, train, test, extra));
        }

        public void OnTrainingCompleted(TrainingResult result, TrainingContext context) => _clock.Stop();

        // Only a run whose rate a controller set has a realised schedule worth keeping: otherwise it is config.json's.
        private MilestoneSchedule? RealisedSchedule() => config.Training.RateController is null ? null : trainer.RealisedSchedule as MilestoneSchedule;

        public RunOutcome Finish(TrainingResult result)
        {
            bool diverged = result.Diverged;
            string? divergence = result.Divergence is { } d ? $"step {d.Step}: {d.Reason}" : null;
            if (!diverged && (_rows.Count == 0 || _rows[^1].Step != result.Steps))
            {
                try
                {
                    // The trainer's final training loss is this row's, at the same weights.
                    Record(result.Steps, result.FinalTrainingLoss);
                }
                catch (NonFiniteValueException ex)
                {
                    diverged = true;
                    divergence = $"step {ex.Step ?? result.Steps}: {ex.Reason}";
                }
            }
            var columns = hooks.Columns.SelectMany(c => c.Columns).ToList();
            int sharpness = hooks.SharpnessColumn is null ? -1 : columns.IndexOf(hooks.SharpnessColumn);
            var detector = DetectorOver(config, _rows, sharpness);
            var events = detector.Events;

            double? alignment = null;
            if (!diverged && data.ReferenceAgop is { } reference)
            {
                using var scope = torch.NewDisposeScope();
                alignment = Finite.OrNull(() => AgopAlignment.Cosine(Agop.Compute(model, data.Test), reference));
            }
            var last = diverged ? null : _rows[^1];
            var summary = new RunSummary
            {
                Label = config.Label,
                Outcome = diverged ? nameof(TrainingOutcome.Diverged) : result.Outcome.ToString(),
                Steps = result.Steps,
                WallSeconds = _previousWall + _clock.Elapsed.TotalSeconds,
                TrainLoss = last?.TrainLoss,
                TestLoss = last?.TestLoss,
                TrainError = diverged ? null : data.Error(model, data.Train),
                TestError = diverged ? null : data.Error(model, data.Test),
                AgopAlignment = alignment,
                Catapults = events.Count,
                Spikes = detector.Spikes.Count,
                Divergence = divergence,
                ResumedFromStep = _resumedFrom,
                RealisedSchedule = RealisedSchedule(),
            };
            var outcome = new RunOutcome(directory, config, summary, _rows.ToList(), events);
            if (hooks.Checkpointed.Count > 0)
            {
                string observerFolder = RunDirectory.ObserverFolder(directory);
                Directory.CreateDirectory(observerFolder);
                foreach (var observer in hooks.Checkpointed) observer.SaveState(observerFolder);
            }
            outcome = outcome with { Summary = RunDirectory.WriteResults(outcome, model, data, columns) };
            hooks.AfterTraining?.Invoke(model, outcome);
            return outcome;
        }
    }
}
