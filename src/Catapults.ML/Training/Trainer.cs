using System.Diagnostics;
using Catapults.ML.Data;
using Catapults.ML.Models;
using Catapults.ML.Runtime;
using Parameter = TorchSharp.Modules.Parameter;

namespace Catapults.ML.Training;

/// <summary>
/// The training loop: GD or mini-batch SGD (or any optimiser of <see cref="OptimizerKind"/>) on a
/// <see cref="NetworkModule"/>, with schedules, observers, stopping rules and divergence detection. Each step runs
/// in its own dispose scope, so long runs hold a constant number of tensors.
/// </summary>
/// <remarks>
/// A trainer keeps its optimiser and its step counter: calling <see cref="Run(IBatchSource, IEnumerable{ITrainingObserver}?, CancellationToken)"/>
/// again continues where the last call stopped (for example with a different <see cref="TrainingOptions.UpdateTransform"/>),
/// and <see cref="ResumeAt"/> sets the counter after weights and optimiser state have been restored from a checkpoint.
/// </remarks>
public sealed class Trainer : IDisposable
{
    private readonly NetworkModule _model;
    private readonly optim.Optimizer _optimizer;
    private readonly IReadOnlyList<Parameter> _parameters;
    private readonly List<LearningRateMilestone> _realisedChanges = new();
    private readonly bool[] _hadGradient;
    private double? _realisedInitialRate;
    private TrainingOptions _options;
    private bool _disposed;

    /// <summary>Creates a trainer for <paramref name="model"/>; the optimiser is built from <paramref name="options"/>.</summary>
    public Trainer(NetworkModule model, TrainingOptions options)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        TorchRuntime.EnsureLoaded();
        _model = model;
        _options = options;
        _parameters = model.TrainableParameters().Select(p => p.Parameter).ToList();
        if (_parameters.Count == 0) throw new ArgumentException("The model has no trainable parameters.", nameof(model));
        _hadGradient = new bool[_parameters.Count];
        _optimizer = Optimizers.Create(options.Optimizer, _parameters, options.EffectiveSchedule().LearningRateAt(0), options.OptimizerSettings);
    }

    /// <summary>
    /// The training description this trainer runs. It may be replaced between runs (e.g. a larger step budget, or
    /// another <see cref="TrainingOptions.UpdateTransform"/>), except for the optimiser and its settings, from which the
    /// trainer's optimiser was built.
    /// </summary>
    /// <exception cref="ArgumentException">The new description is invalid or changes the optimiser.</exception>
    public TrainingOptions Options
    {
        get => _options;
        set
        {
            ArgumentNullException.ThrowIfNull(value);
            value.Validate();
            if (value.Optimizer != _options.Optimizer || value.OptimizerSettings != _options.OptimizerSettings)
                throw new ArgumentException("The optimiser and its settings are fixed when the trainer is created; create a new trainer to change them.", nameof(value));
            _options = value;
        }
    }

    /// <summary>The optimiser (for checkpointing its state).</summary>
    public optim.Optimizer Optimizer => _optimizer;

    /// <summary>Index of the next step to run (= the number of updates made so far).</summary>
    public int Step { get; private set; }

    /// <summary>
    /// The loss that divergence is measured against: the first batch loss this trainer saw, or the value restored by
    /// <see cref="ResumeAt"/>.
    /// </summary>
    public double? ReferenceLoss { get; private set; }

    /// <summary>
    /// Continues from <paramref name="step"/> after the caller restored weights and optimiser state.
    /// <paramref name="realisedSchedule"/> is the realised schedule of the steps before (from the checkpointed
    /// <see cref="TrainingResult.RealisedSchedule"/> or <see cref="RealisedSchedule"/>), so that the schedule of the
    /// resumed run covers the whole run; null when the rates before were the options' schedule (a run on an
    /// <see cref="AdjustableSchedule"/> or with a controller must pass it, or its current rate stands for the steps before).
    /// </summary>
    public void ResumeAt(int step, double? referenceLoss, MilestoneSchedule? realisedSchedule = null)
    {
        if (step < 0) throw new ArgumentOutOfRangeException(nameof(step), step, "Steps start at 0.");
        Step = step;
        ReferenceLoss = referenceLoss;
        _realisedChanges.Clear();
        _realisedInitialRate = realisedSchedule?.InitialRate;
        if (realisedSchedule is not null) _realisedChanges.AddRange(realisedSchedule.Milestones.Where(m => m.Step < step));
    }

    /// <summary>
    /// The rates used so far: the options' schedule when neither a <see cref="TrainingOptions.RateController"/> nor an
    /// <see cref="AdjustableSchedule"/> sets them, otherwise a <see cref="MilestoneSchedule"/> of the rate of the first
    /// step and every change (a milestone per change); before any step, an adjustable schedule's current rate.
    /// </summary>
    public ILearningRateSchedule RealisedSchedule => RecordsRates && RealisedSoFar() is { } realised ? realised
        : Options.Schedule is AdjustableSchedule live ? new MilestoneSchedule(live.LearningRate, Array.Empty<LearningRateMilestone>())
        : Options.EffectiveSchedule();

    // An adjustable schedule is live: it knows only its current rate, not the rates of the steps before.
    private bool RecordsRates => Options.RateController is not null || Options.Schedule is AdjustableSchedule;

    /// <summary>Trains <paramref name="model"/> on <paramref name="data"/> in one call.</summary>
    /// <exception cref="ArgumentException">
    /// The options are invalid; the data do not fit the model; the dataset or a batch holds NaN or ∞ (the message names the
    /// row); or the loss is not finite before any update, which is a fault of the targets' scale, the network or the
    /// data rather than of the learning rate. A loss that turns non-finite after updates ends the run as
    /// <see cref="TrainingOutcome.Diverged"/> instead.
    /// </exception>
    public static TrainingResult Train(NetworkModule model, TensorDataset data, TrainingOptions options,
        IEnumerable<ITrainingObserver>? observers = null, CancellationToken cancellationToken = default)
    {
        using var trainer = new Trainer(model, options);
        return trainer.Run(data, observers, cancellationToken);
    }

    /// <summary>Runs epochs over <paramref name="data"/> with the options' batch size, shuffle seed and partial-batch policy.</summary>
    /// <exception cref="ArgumentException">
    /// The options are invalid; the data do not fit the model; the dataset or a batch holds NaN or ∞ (the message names the
    /// row); or the loss is not finite before any update, which is a fault of the targets' scale, the network or the
    /// data rather than of the learning rate. A loss that turns non-finite after updates ends the run as
    /// <see cref="TrainingOutcome.Diverged"/> instead.
    /// </exception>
    public TrainingResult Run(TensorDataset data, IEnumerable<ITrainingObserver>? observers = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(data);
        // Said first, since every batch-size message would otherwise blame an option for the empty dataset.
        if (data.Count == 0) throw new ArgumentException($"The training set {data.Name} has no samples.", nameof(data));
        Options.Validate(data.Count);
        return Run(new EpochBatchSource(data, Options.BatchSize, Options.ShuffleSeed, Options.LastPartialBatch), observers, cancellationToken);
    }

    /// <summary>Runs until a stopping rule fires, drawing batches from <paramref name="source"/>.</summary>
    /// <exception cref="ArgumentException">
    /// The options are invalid; the data do not fit the model; the dataset or a batch holds NaN or ∞ (the message names the
    /// row); or the loss is not finite before any update, which is a fault of the targets' scale, the network or the
    /// data rather than of the learning rate. A loss that turns non-finite after updates ends the run as
    /// <see cref="TrainingOutcome.Diverged"/> instead.
    /// </exception>
    public TrainingResult Run(IBatchSource source, IEnumerable<ITrainingObserver>? observers = null, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentNullException.ThrowIfNull(source);
        Options.ValidateFor(source);
        if (source.Dataset is { } ds)
        {
            if (ds.FeatureDimension != _model.InputDimension)
                throw new ArgumentException(
                    $"The model expects {_model.InputDimension} input features but {ds.Name} has {ds.FeatureDimension}.", nameof(source));
            TrainingInputCheck.RequireFinite(ds, nameof(source));
        }

        var watchers = observers?.ToList() ?? new List<ITrainingObserver>();
        var schedule = Options.EffectiveSchedule();
        // Weights change between runs (a restored checkpoint, the caller's own edits), so no value outlives a run.
        _fullLossAtStep = null;
        var context = new TrainingContext(_model, Options, source, Step, () => source.Dataset is { } d ? FullLossAtCurrentStep(d) : null);
        bool fullBatch = source is EpochBatchSource eb && eb.IsFullBatch;
        int? perEpoch = source.StepsPerEpoch;
        int fullLossEvery = Options.FullLossEvery > 0 ? Options.FullLossEvery
            : Options.TargetLoss is not null && perEpoch is int k ? k : 0;

        var clock = Stopwatch.StartNew();
        var outcome = TrainingOutcome.BudgetReached;
        DivergenceInfo? divergence = null;
        double? lastFinite = null;
        double? targetReachedLoss = null;

        _model.train();
        try
        {
            Notify(watchers, o => o.OnTrainingStarted(context));

            while (true)
            {
                int step = Step;
                if (Options.MaxSteps is int maxSteps && step >= maxSteps) break;
                int epoch = perEpoch is int pe ? step / pe : 0;
                if (Options.MaxEpochs is int maxEpochs && perEpoch is not null && epoch >= maxEpochs) break;
                if (cancellationToken.IsCancellationRequested) { outcome = TrainingOutcome.Cancelled; break; }

                StepRecord record;
                using (var scope = torch.NewDisposeScope())
                {
                    double lr = schedule.LearningRateAt(step);
                    if (Options.RateController is { } controller)
                    {
                        double scheduled = lr;
                        lr = controller.RateFor(step, scheduled, RealisedSoFar(), context);
                        // The scheduled rate passes as it is, since a schedule may reach 0 (WarmupDecaySchedule's final
                        // rate); a rate of the controller's own must be one a schedule could start from.
                        if (lr != scheduled && !(lr > 0 && double.IsFinite(lr)))
                        {
                            divergence = new DivergenceInfo(step, lastFinite, null,
                                $"the rate controller {controller.GetType().Name} set the learning rate {lr:G4} at step {step}; a rate must be finite and positive");
                            outcome = TrainingOutcome.Diverged;
                            break;
                        }
                    }
                    // libtorch's optimisers take the rate as float32: a larger one fails inside step() with an
                    // ExternalException, so it ends the run here as a divergence.
                    if (!(lr >= 0) || !float.IsFinite((float)lr))
                    {
                        divergence = new DivergenceInfo(step, lastFinite, null, $"the learning rate {lr:G4} is not a finite float32 number");
                        outcome = TrainingOutcome.Diverged;
                        break;
                    }
                    // Recorded only once checked, so that the realised schedule can hold every rate it is given.
                    if (RecordsRates) RecordRealisedRate(step, lr);
                    Optimizers.SetLearningRate(_optimizer, lr);
                    var batch = source.BatchAt(step);

                    if (watchers.Count > 0)
                    {
                        var before = new StepContext(context, step, epoch, lr, batch);
                        Notify(watchers, o => o.OnBeforeStep(before));
                    }

                    _model.train();
                    ClearGradients();
                    var output = _model.forward(batch.Features);
                    var loss = Losses.Compute(Options.Loss, output, batch.Targets);
                    double lossValue = loss.ReadDouble();

                    if (!double.IsFinite(lossValue))
                    {
                        // Neither bad data nor bad starting weights is a divergence: no update has moved them yet.
                        TrainingInputCheck.RequireFinite(batch, step, nameof(source));
                        if (step == 0) throw new ArgumentException(TrainingInputCheck.NonFiniteInitialLoss(lossValue));
                    }
                    ReferenceLoss ??= double.IsFinite(lossValue) ? Math.Max(lossValue, 1e-12) : null;
                    string? reason = !double.IsFinite(lossValue) ? "the batch loss is not finite"
                        : lossValue > Options.DivergenceFactor * ReferenceLoss ? $"the batch loss exceeds {Options.DivergenceFactor:G3} × the first batch loss ({ReferenceLoss:G4})"
                        : null;
                    if (reason is not null)
                    {
                        divergence = new DivergenceInfo(step, lastFinite, lossValue, reason);
                        outcome = TrainingOutcome.Diverged;
                        break;
                    }
                    lastFinite = lossValue;

                    double? fullLoss = fullBatch ? lossValue
                        : fullLossEvery > 0 && step % fullLossEvery == 0 && source.Dataset is { } data ? FullLossAtCurrentStep(data) : null;
                    if (Options.TargetLoss is double target && fullLoss is double fl && fl <= target)
                    {
                        targetReachedLoss = fl;
                        outcome = TrainingOutcome.TargetLossReached;
                        break;
                    }

                    loss.backward();
                    KeepZeroGradients();
                    if (Options.OptimizerSettings.SharpnessAwareRadius is double rho)
                        TakeGradientAtAscentPoint(rho, batch);
                    if (Options.UpdateTransform is { } transform)
                        ApplyTransformedUpdate(transform, new StepContext(context, step, epoch, lr, batch));
                    else
                        _optimizer.step();

                    Step = step + 1;
                    record = new StepRecord(step, epoch, lr, lossValue, batch.Indices, fullLoss);
                }
                Notify(watchers, o => o.OnStepCompleted(record, context));
            }
        }
        catch (NonFiniteValueException ex)
        {
            // An observer or transform met a non-finite value: the run ends here, like a non-finite loss.
            divergence = new DivergenceInfo(ex.Step ?? Step, lastFinite, null, ex.Reason);
            outcome = TrainingOutcome.Diverged;
        }

        double? finalLoss = targetReachedLoss;
        if (outcome != TrainingOutcome.Diverged && finalLoss is null && source.Dataset is { } finalData)
        {
            finalLoss = FullLossAtCurrentStep(finalData);
            if (!double.IsFinite(finalLoss.Value))
            {
                divergence = new DivergenceInfo(Step, lastFinite, finalLoss.Value, "the training loss at the final weights is not finite");
                outcome = TrainingOutcome.Diverged;
                finalLoss = null;
            }
        }
        else if (outcome != TrainingOutcome.Diverged && source.Dataset is null && NonFiniteWeights(_parameters) is string broken)
        {
            // With no training set to evaluate the loss on, the weights themselves show that the last update broke them.
            divergence = new DivergenceInfo(Step, lastFinite, null, broken);
            outcome = TrainingOutcome.Diverged;
        }

        int epochs = perEpoch is int p && p > 0 ? (Step + p - 1) / p : 0;
        var result = new TrainingResult(outcome, Step, epochs, finalLoss, divergence, clock.Elapsed) { RealisedSchedule = RealisedSchedule };
        try
        {
            Notify(watchers, o => o.OnTrainingCompleted(result, context));
        }
        catch (NonFiniteValueException ex)
        {
            // A final measurement met a non-finite value: the run did not end well after all.
            result = result with
            {
                Outcome = TrainingOutcome.Diverged,
                FinalTrainingLoss = null,
                Divergence = new DivergenceInfo(ex.Step ?? Step, lastFinite, null, ex.Reason),
            };
        }
        _model.train();
        return result;
    }

    /// <summary>The divergence reason for final <paramref name="weights"/> that hold non-finite values, or null when all are finite.</summary>
    internal static string? NonFiniteWeights(IReadOnlyCollection<Tensor> weights)
    {
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        long bad = weights.Sum(w => w.isfinite().logical_not().sum().ReadInt64());
        return bad == 0 ? null : $"the final weights are not finite ({bad} of {weights.Sum(w => w.numel())} values)";
    }

    private MilestoneSchedule? RealisedSoFar() =>
        _realisedInitialRate is double initial ? new MilestoneSchedule(initial, _realisedChanges.ToArray()) : null;

    private void RecordRealisedRate(int step, double rate)
    {
        if (_realisedInitialRate is null) _realisedInitialRate = rate;
        else if (rate != (_realisedChanges.Count > 0 ? _realisedChanges[^1].Rate : _realisedInitialRate.Value))
            _realisedChanges.Add(new LearningRateMilestone(step, rate));
    }

    /// <summary>The loss over a whole dataset at the current weights, streamed in chunks, without gradients.</summary>
    public double FullLoss(TensorDataset data) => Losses.Evaluate(_model, data, Options.Loss);

    // The training set's full loss at the weights of step Step, computed once for all who ask during that step: an
    // observer that records it before the step (the study's step rows) and the trainer's own target-loss check read
    // the same value, which is a whole pass over the data each. Observers never change the weights, and the
    // trainer's batch pass changes only what train mode does not read (batch-norm running statistics).
    private (int Step, bool Training, double Loss)? _fullLossAtStep;

    private double FullLossAtCurrentStep(TensorDataset data)
    {
        if (_fullLossAtStep is { } cached && cached.Step == Step && cached.Training == _model.training) return cached.Loss;
        double loss = FullLoss(data);
        _fullLossAtStep = (Step, _model.training, loss);
        return loss;
    }


    /// <summary>
    /// SAM's gradient: moves to w + ρ·g/‖g‖, replaces the gradients by the batch gradient there, and moves back, so
    /// the optimiser then steps from w. A zero or non-finite gradient norm leaves the plain gradient in place (there is
    /// no ascent direction; a non-finite loss is caught by the divergence check of the next step).
    /// </summary>
    private void TakeGradientAtAscentPoint(double radius, Batch batch)
    {
        List<Tensor> ascent;
        using (torch.no_grad())
        {
            var grads = _parameters.Select(p => p.grad).ToList();
            double norm = Math.Sqrt(grads.Where(g => g is not null).Sum(g => (g! * g!).sum().ReadDouble()));
            if (!(norm > 0) || !double.IsFinite(norm)) return;
            ascent = grads.Select((g, i) => g is null ? torch.zeros_like(_parameters[i]) : KeptScalars.Times(g, radius / norm)).ToList();
            for (int i = 0; i < _parameters.Count; i++) KeptScalars.AddInPlace(_parameters[i], ascent[i]);
        }
        ClearGradients();
        Losses.Compute(Options.Loss, _model.forward(batch.Features), batch.Targets).backward();
        KeepZeroGradients();
        using (torch.no_grad())
            for (int i = 0; i < _parameters.Count; i++) _parameters[i].sub_(ascent[i]);
    }

    private void ApplyTransformedUpdate(IUpdateTransform transform, StepContext step)
    {
        List<Tensor> before;
        using (torch.no_grad()) before = _parameters.Select(p => p.detach().clone()).ToList();
        _optimizer.step();
        using (torch.no_grad())
        {
            var updates = _parameters.Select((p, i) => p - before[i]).ToList();
            for (int i = 0; i < _parameters.Count; i++) _parameters[i].copy_(before[i]);
            transform.Transform(step, _parameters, updates);
            for (int i = 0; i < _parameters.Count; i++) KeptScalars.AddInPlace(_parameters[i], updates[i]);
        }
    }

    // TorchSharp's optimisers zero the gradients in place, after which autograd adds each new gradient to the zeros: two
    // passes over every weight per step, a large part of a small-batch step's arithmetic. Dropping them instead lets
    // autograd hand its gradient over. 0 + g is g bit for bit (only a −0 gradient stays −0 instead of becoming +0, which
    // changes no weight unless that weight is itself zero), so the updates are the same.
    private void ClearGradients()
    {
        for (int i = 0; i < _parameters.Count; i++) _parameters[i].grad = null;
    }

    // A parameter that had a gradient and that the loss no longer reaches keeps a zero gradient, as zero_grad leaves it,
    // so momentum and weight decay still move it exactly as before.
    private void KeepZeroGradients()
    {
        for (int i = 0; i < _parameters.Count; i++)
        {
            using var g = _parameters[i].grad;
            if (g is not null) _hadGradient[i] = true;
            else if (_hadGradient[i])
                using (torch.no_grad()) _parameters[i].grad = torch.zeros_like(_parameters[i]);
        }
    }

    private void Notify(List<ITrainingObserver> watchers, Action<ITrainingObserver> call)
    {
        foreach (var observer in watchers)
        {
            using var scope = torch.NewDisposeScope();
            call(observer);
        }
        _model.train();
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _optimizer.Dispose();
    }
}
