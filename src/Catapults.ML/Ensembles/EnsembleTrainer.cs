using System.Diagnostics;
using Catapults.ML.Data;
using Catapults.ML.Runtime;
using Catapults.ML.Training;

namespace Catapults.ML.Ensembles;

/// <summary>
/// Trains the members of a <see cref="FullyConnectedEnsemble"/> side by side, one batched forward and backward pass per
/// step, each member as a single <see cref="Trainer"/> run would train it: its own batches (its own batch source), its
/// own rate or schedule, its own optimiser state, its own budget and its own divergence. A member that diverges or
/// finishes its budget leaves the batch; the others go on unchanged.
/// </summary>
/// <remarks>
/// <para>
/// Supported per member: MSE loss, <see cref="OptimizerKind.Sgd"/> and <see cref="OptimizerKind.Momentum"/> (PyTorch's
/// rule: buf ← μ·buf + g, the first buf = g; w ← w − η·buf) with weight decay, any schedule but an AdjustableSchedule, MaxSteps and MaxEpochs, and
/// the trainer's divergence rules (a rate that is not a finite float32, a non-finite batch loss, a batch loss above
/// DivergenceFactor × the first one, a non-finite final training loss or, on a source without a dataset, non-finite
/// final weights). Every member must draw batches of one size at every step; over datasets this is checked before any
/// step (the same LastPartialBatch and dataset sizes, or no partial batches), and an ensemble whose run stopped part-way
/// is not trained again.
/// Options the single trainer has and the ensemble does not (other optimisers, SAM, update transforms, rate
/// controllers, target losses, full-loss records) are rejected by name.
/// </para>
/// <para>
/// The members' losses are independent functions of disjoint weights, so the gradient of their sum is each member's own
/// gradient. Members that share a batch source instance draw their batch once per step.
/// </para>
/// <para>
/// When the model defers its first layer's updates (a wide first layer, every member plain SGD), the trainer draws the
/// batches of the next steps at once (<see cref="IBatchSource.BatchesAt"/>), up to the model's block, the end of an
/// epoch or the first budget to end, so that the model can take their first-layer product in one pass.
/// </para>
/// </remarks>
public sealed class EnsembleTrainer
{
    private readonly FullyConnectedEnsemble _model;

    /// <summary>Creates a trainer for <paramref name="model"/>, checking every member's training description.</summary>
    /// <exception cref="ArgumentException">A member's options are invalid or not supported by ensembles; the message names the member and the option.</exception>
    public EnsembleTrainer(FullyConnectedEnsemble model)
    {
        ArgumentNullException.ThrowIfNull(model);
        TorchRuntime.EnsureLoaded();
        _model = model;
        for (int i = 0; i < model.Members.Count; i++) CheckSupported(model.Members[i].Training, i);
    }

    /// <summary>The ensemble being trained.</summary>
    public FullyConnectedEnsemble Model => _model;

    /// <summary>
    /// Trains every member on epochs over <paramref name="data"/>, each with the batch size, shuffle seed and partial-batch
    /// policy of its own options (members with the same three share one source), exactly as
    /// <see cref="Trainer.Run(TensorDataset, IEnumerable{ITrainingObserver}?, CancellationToken)"/> draws them.
    /// </summary>
    /// <exception cref="ArgumentException">As for <see cref="Run(IReadOnlyList{IBatchSource}, IEnsembleObserver?, CancellationToken)"/>.</exception>
    public IReadOnlyList<EnsembleMemberResult> Run(TensorDataset data, IEnsembleObserver? observer = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(data);
        var shared = new Dictionary<(int?, long, PartialBatchPolicy), IBatchSource>();
        var sources = _model.Members.Select(m =>
        {
            var t = m.Training;
            var key = (t.BatchSize, t.ShuffleSeed, t.LastPartialBatch);
            if (!shared.TryGetValue(key, out var source))
                shared[key] = source = new EpochBatchSource(data, t.BatchSize, t.ShuffleSeed, t.LastPartialBatch);
            return source;
        }).ToList();
        return Run(sources, observer, cancellationToken);
    }

    /// <summary>
    /// Trains member i on batches from <paramref name="sources"/>[i] until every member has stopped. Pass one instance
    /// for members that share their batches (e.g. one online stream), so it is drawn once per step.
    /// </summary>
    /// <returns>One result per member, in member order.</returns>
    /// <exception cref="ArgumentException">
    /// A member's options are invalid (MaxEpochs as its only limit on a source without epochs included), its batch
    /// size, input features or targets do not fit the ensemble (targets must be float32 [n, O], the
    /// squared loss's), a dataset holds NaN or ∞, or a member's loss is not finite before any update (a fault of the
    /// targets' scale, its OutputMultiplier or the data, not of its rate); the message names the member or the row.
    /// </exception>
    public IReadOnlyList<EnsembleMemberResult> Run(IReadOnlyList<IBatchSource> sources, IEnsembleObserver? observer = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sources);
        var members = _model.Members;
        if (sources.Count != members.Count)
            throw new ArgumentException($"The ensemble has {members.Count} members but {sources.Count} batch sources were given.", nameof(sources));
        if (_model.HasStepped || _model.ActiveMembers.Count != members.Count)
            throw new InvalidOperationException("The ensemble has already been trained (its weights have moved or some members have stopped); build a new one.");
        for (int i = 0; i < members.Count; i++)
        {
            ArgumentNullException.ThrowIfNull(sources[i], $"{nameof(sources)}[{i}]");
            var (training, source) = (members[i].Training, sources[i]);
            AsMember(i, () => training.ValidateFor(source));
            if (sources[i].BatchSize != sources[0].BatchSize)
                throw new ArgumentException(
                    $"Member {i}: Training.BatchSize must match member 0's ({sources[0].BatchSize}) so the members' batches stack, got {sources[i].BatchSize}.", nameof(sources));
            if (sources[i].Dataset is { } ds)
            {
                if (ds.FeatureDimension != _model.InputDimension)
                    throw new ArgumentException($"Member {i}: the model expects {_model.InputDimension} input features but {ds.Name} has {ds.FeatureDimension}.", nameof(sources));
                RequireRegressionTargets(ds.Targets, i, $"the targets of {ds.Name}");
            }
        }
        RequireStackingBatches(sources);
        foreach (var ds in sources.Select(s => s.Dataset).OfType<TensorDataset>().Distinct())
            TrainingInputCheck.RequireFinite(ds, nameof(sources));

        int count = members.Count;
        var schedules = members.Select(m => m.Training.EffectiveSchedule()).ToArray();
        var losses = Enumerable.Range(0, count).Select(_ => new List<double>()).ToArray();
        var reference = new double?[count];
        var lastFinite = new double?[count];
        var wall = new double[count];
        var results = new TrainingResult?[count];
        Tensor[]? momentum = null;
        EnsembleBatchBlock? block = null;
        var clock = Stopwatch.StartNew();
        double lastTick = 0;
        int step = 0;

        try
        {
            while (true)
            {
                // Members whose budget is used up stop here, at their final weights, as Trainer's loop ends.
                var due = _model.ActiveMembers.Where(i => BudgetUsed(members[i].Training, sources[i], step)).ToList();
                if (cancellationToken.IsCancellationRequested) due = _model.ActiveMembers.ToList();
                if (due.Count > 0)
                {
                    var outcome = cancellationToken.IsCancellationRequested ? TrainingOutcome.Cancelled : TrainingOutcome.BudgetReached;
                    Finish(due, step, outcome, sources, schedules, lastFinite, results, observer);
                    momentum = Drop(due, momentum);
                }
                if (_model.ActiveMembers.Count == 0) break;

                using var scope = torch.NewDisposeScope();
                var active = _model.ActiveMembers.ToArray();
                var rates = active.Select(i => schedules[i].LearningRateAt(step)).ToArray();
                var stops = new Dictionary<int, DivergenceInfo>();
                for (int p = 0; p < active.Length; p++)
                    // libtorch's optimisers take the rate as float32; the single trainer ends such a run as diverged.
                    if (!(rates[p] >= 0) || !float.IsFinite((float)rates[p]))
                        stops[p] = new DivergenceInfo(step, lastFinite[active[p]], null, $"the learning rate {rates[p]:G4} is not a finite float32 number");

                if (block is null || !block.Holds(step))
                {
                    block?.Dispose();
                    block = DrawBlock(active, sources, step);
                }
                var (features, targets, row) = block.At(step);
                observer?.OnBeforeStep(step, _model);
                var pass = _model.ForwardForTraining(features, row);
                var residual = pass.Output - targets;
                var values = FullyConnectedEnsemble.MeanSquaredErrorsOfResiduals(residual);
                for (int p = 0; p < active.Length; p++)
                {
                    if (stops.ContainsKey(p)) continue;
                    int i = active[p];
                    double v = values[p];
                    // Nothing has moved the weights at step 0, so a non-finite loss there is the inputs' fault, not divergence.
                    if (step == 0 && !double.IsFinite(v)) throw new ArgumentException(TrainingInputCheck.NonFiniteInitialLoss(v, i), nameof(sources));
                    reference[i] ??= double.IsFinite(v) ? Math.Max(v, 1e-12) : null;
                    double factor = members[i].Training.DivergenceFactor;
                    string? reason = !double.IsFinite(v) ? "the batch loss is not finite"
                        : v > factor * reference[i] ? $"the batch loss exceeds {factor:G3} × the first batch loss ({reference[i]:G4})"
                        : null;
                    if (reason is not null) stops[p] = new DivergenceInfo(step, lastFinite[i], v, reason);
                    else lastFinite[i] = v;
                }

                var survivors = Enumerable.Range(0, active.Length).Where(p => !stops.ContainsKey(p)).ToArray();
                foreach (int p in survivors) losses[active[p]].Add(values[p]);

                if (stops.Count > 0)
                {
                    // Diverged members leave before the update, at the weights whose loss exposed them, as in Trainer.
                    var stopped = stops.Keys.Select(p => active[p]).ToList();
                    foreach (var (p, info) in stops)
                    {
                        int i = active[p];
                        // The loss that exposed it is in its DivergenceInfo; its losses are those of the steps it took, as Trainer's.
                        results[i] = new TrainingResult(TrainingOutcome.Diverged, step, Epochs(sources[i], step), null, info, TimeSpan.Zero)
                            { RealisedSchedule = schedules[i] };
                    }
                    // They leave before the observer hears of them: IEnsembleObserver promises diverged members are gone.
                    _model.Keep(survivors);
                    observer?.OnMembersFinished(stopped, stopped.Select(i => results[i]!).ToList(), _model);
                    pass = pass.Keep(survivors);
                    using var keepIndex = torch.tensor(survivors.Select(p => (long)p).ToArray());
                    residual = residual.index_select(0, keepIndex);
                    momentum = Drop(stopped, momentum, survivors);
                    block.Keep(survivors);
                }

                if (survivors.Length > 0)
                {
                    // ∂L_m/∂f_m = 2(f_m − y_m)/b for L = 1/b Σᵢ ‖f(xᵢ) − yᵢ‖².
                    var outputGradient = KeptScalars.Times(residual, 2.0 / pass.OutputShape[1]);
                    Step(pass, outputGradient, survivors.Select(p => active[p]).ToArray(), survivors.Select(p => rates[p]).ToArray(), ref momentum);
                }

                double now = clock.Elapsed.TotalSeconds;
                foreach (int i in active) wall[i] += (now - lastTick) / active.Length;
                lastTick = now;
                step++;
            }
        }
        finally
        {
            block?.Dispose();
            if (momentum is not null) foreach (var t in momentum) t.Dispose();
        }

        return Enumerable.Range(0, count).Select(i => new EnsembleMemberResult(i,
            results[i]! with { WallTime = TimeSpan.FromSeconds(wall[i]) }, losses[i].ToArray())).ToList();
    }

    // The members' batches stack only if every step gives each member as many samples. Over a dataset the sizes are
    // known before any step: an epoch of p steps ends with a batch of n − (p − 1)·b, full or partial; a stream (no
    // epochs) gives full batches. Two members whose epochs end differently first differ at the first partial step of
    // either, which matters only if both still train then; otherwise the run would stop there, after the weights have
    // moved. Sources with epochs but no dataset tell their sizes only through their batches, which DrawBatches checks.
    private void RequireStackingBatches(IReadOnlyList<IBatchSource> sources)
    {
        for (int i = 1; i < sources.Count; i++)
            for (int j = 0; j < i; j++)
            {
                if (!KnownEnding(sources[i], out var mine) || !KnownEnding(sources[j], out var theirs) || mine == theirs) continue;
                int firstDifference = Math.Min(mine?.Steps - 1 ?? int.MaxValue, theirs?.Steps - 1 ?? int.MaxValue);
                int together = Math.Min(StepsLeft(_model.Members[i].Training, sources[i], 0), StepsLeft(_model.Members[j].Training, sources[j], 0));
                if (firstDifference < together)
                    throw new ArgumentException(
                        $"Member {i}: its batches do not stack with member {j}'s from step {firstDifference} on: {DescribeEnding(sources[i])}, against {DescribeEnding(sources[j])}. " +
                        "Every member needs batches of one size at every step: give the members the same Training.LastPartialBatch and datasets of one size, " +
                        $"or {nameof(PartialBatchPolicy)}.{nameof(PartialBatchPolicy.Drop)}, whose batches are all full.", nameof(sources));
            }
    }

    // How a source's epochs end, where that is known before any step: null where every batch is full.
    private static bool KnownEnding(IBatchSource source, out (int Steps, long LastBatch)? ending)
    {
        ending = PartialEnding(source);
        return source.StepsPerEpoch is null || source.Dataset is not null;
    }

    // The steps of an epoch and the size of its last batch where that batch is partial; null where every batch is full.
    // Samples beyond the epoch's full batches are a partial last step only where the source keeps them (p·b > n); a
    // source that drops them leaves more than b over.
    private static (int Steps, long LastBatch)? PartialEnding(IBatchSource source)
    {
        if (source.StepsPerEpoch is not int p || source.Dataset is not { } data) return null;
        long last = data.Count - (long)(p - 1) * source.BatchSize;
        return last >= source.BatchSize ? null : (p, last);
    }

    private static string DescribeEnding(IBatchSource source) =>
        PartialEnding(source) is var (steps, last) ? $"each epoch of {steps} steps ends with a batch of {last}" : $"every batch holds {source.BatchSize}";

    /// <summary>Throws when <paramref name="options"/> asks for something the ensemble does not do, naming the member and the option.</summary>
    public static void CheckSupported(TrainingOptions options, int member)
    {
        ArgumentNullException.ThrowIfNull(options);
        AsMember(member, () => options.Validate());
        string? problem =
            options.Loss != LossKind.MeanSquaredError ? $"Training.Loss must be {LossKind.MeanSquaredError} in an ensemble, got {options.Loss}"
            : options.Optimizer is not (OptimizerKind.Sgd or OptimizerKind.Momentum) ? $"Training.Optimizer must be {OptimizerKind.Sgd} or {OptimizerKind.Momentum} in an ensemble, got {options.Optimizer}"
            : options.OptimizerSettings.SharpnessAwareRadius is not null ? "Training.OptimizerSettings.SharpnessAwareRadius (SAM) is not supported in an ensemble"
            : options.UpdateTransform is not null ? "Training.UpdateTransform is not supported in an ensemble"
            : options.RateController is not null ? "Training.RateController is not supported in an ensemble (use a Schedule)"
            // Its members' results must say which rates they ran at, and a live schedule knows only its current one.
            : options.Schedule is AdjustableSchedule ? "Training.Schedule cannot be an AdjustableSchedule in an ensemble (use one that describes itself)"
            : options.TargetLoss is not null ? "Training.TargetLoss is not supported in an ensemble"
            : options.FullLossEvery != 0 ? "Training.FullLossEvery is not supported in an ensemble (the final training loss is reported)"
            : null;
        if (problem is not null) throw new ArgumentException($"Member {member}: {problem}.", nameof(options));
    }

    // Every message of the ensemble's checks names the member it is about.
    private static void AsMember(int member, Action check)
    {
        try
        {
            check();
        }
        catch (ArgumentException ex)
        {
            // The new exception appends " (Parameter '…')" from ParamName again, so the reason goes without it.
            throw new ArgumentException($"Member {member}: {ErrorText.MessageOf(ex)}", ex.ParamName, ex);
        }
    }

    private static bool BudgetUsed(TrainingOptions o, IBatchSource source, int step) => StepsLeft(o, source, step) == 0;

    private static int Epochs(IBatchSource source, int steps) => source.StepsPerEpoch is int p && p > 0 ? (steps + p - 1) / p : 0;

    // The batches of the next steps, as many as the model takes in one block and every active member still trains for
    // (so that no source is asked past a member's budget), within the current epoch of every source (so that only the
    // block's last step can be partial); one step when the model's first layer is updated every step.
    private EnsembleBatchBlock DrawBlock(int[] active, IReadOnlyList<IBatchSource> sources, int step)
    {
        using var scope = torch.NewDisposeScope();
        int b = sources[active[0]].BatchSize;
        bool plain = active.All(i => _model.Members[i].Training is { Optimizer: OptimizerKind.Sgd, OptimizerSettings.WeightDecay: 0 });
        int steps = plain ? _model.BlockSteps(b) : 1;
        foreach (int i in active)
        {
            steps = Math.Min(steps, StepsLeft(_model.Members[i].Training, sources[i], step));
            if (sources[i].StepsPerEpoch is int pe) steps = Math.Min(steps, pe - step % pe);
        }
        steps = Math.Max(steps, 1);
        var (x, y) = DrawBatches(active, sources, step, steps);
        var block = new EnsembleBatchBlock(step, steps, b, x.DetachFromDisposeScope(), y.DetachFromDisposeScope());
        if (steps > 1) _model.BeginBlock(block.Features);
        return block;
    }

    // Each distinct source's samples of `steps` steps at once (IBatchSource.BatchesAt: one gather for a dataset's rows),
    // stacked over the members; members sharing a source share its draw.
    private (Tensor Features, Tensor Targets) DrawBatches(int[] active, IReadOnlyList<IBatchSource> sources, int step, int steps)
    {
        var drawn = new Dictionary<IBatchSource, Batch>(ReferenceEqualityComparer.Instance);
        var batches = active.Select(i => drawn.TryGetValue(sources[i], out var b) ? b : drawn[sources[i]] = Checked(sources[i].BatchesAt(step, steps), i)).ToArray();
        string when = steps == 1 ? $"At step {step}" : $"Steps {step}..{step + steps - 1}";
        for (int p = 1; p < batches.Length; p++)
            if (batches[p].Size != batches[0].Size)
                throw new InvalidOperationException(
                    $"{when}: member {active[p]} drew {batches[p].Size} samples and member {active[0]} {batches[0].Size}; members of an ensemble need batches of one size at every step (their sources must end epochs alike).");
        // Only the last step of a block may be partial (blocks end with an epoch), so its samples split into its steps.
        int full = sources[active[0]].BatchSize;
        if (steps > 1 && (batches[0].Size <= (steps - 1) * full || batches[0].Size > steps * full))
            throw new InvalidOperationException(
                $"{when}: the sources gave {batches[0].Size} samples for {steps} steps of {full}; every step but an epoch's last needs a full batch.");
        var first = batches[0];
        if (drawn.Count == 1)
        {
            // One source for every member: its batch is shared, and the targets broadcast without a copy.
            var y = first.Targets.dim() == 1 ? first.Targets.unsqueeze(1) : first.Targets;
            return (first.Features.reshape(1, first.Size, -1).expand(active.Length, -1, -1), y.unsqueeze(0).expand(active.Length, -1, -1));
        }
        // The model flattens [A, b, ...] itself, so the features stack as they come.
        var x = torch.stack(batches.Select(b => b.Features).ToArray(), 0);
        var t = torch.stack(batches.Select(b => b.Targets.dim() == 1 ? b.Targets.unsqueeze(1) : b.Targets).ToArray(), 0);
        return (x, t);
    }

    // Steps before MaxSteps or MaxEpochs ends the member's run (0: it ends now).
    private static int StepsLeft(TrainingOptions o, IBatchSource source, int step)
    {
        long left = int.MaxValue;
        if (o.MaxSteps is int s) left = Math.Min(left, s - (long)step);
        if (o.MaxEpochs is int e && source.StepsPerEpoch is int pe) left = Math.Min(left, (long)e * pe - step);
        return (int)Math.Max(left, 0);
    }

    // A source without a dataset (a stream) is only seen through its batches; shape and dtype are metadata, so this costs no pass.
    private Batch Checked(Batch batch, int member)
    {
        RequireRegressionTargets(batch.Targets, member, "the batch targets");
        return batch;
    }

    // The residual f − y would otherwise broadcast into a wrong shape or fail inside libtorch with a multi-line message.
    private void RequireRegressionTargets(Tensor targets, int member, string what)
    {
        int outputs = _model.OutputCount;
        bool shaped = targets.dim() == 2 ? targets.shape[1] == outputs : targets.dim() == 1 && outputs == 1;
        if (targets.dtype != ScalarType.Float32 || !shaped)
            throw new ArgumentException(
                $"Member {member}: {what} are [{string.Join(", ", targets.shape)}] {targets.dtype}; the ensemble needs float32 targets [n, {outputs}] (squared loss).",
                "sources");
    }

    private void Finish(List<int> due, int step, TrainingOutcome outcome, IReadOnlyList<IBatchSource> sources, ILearningRateSchedule[] schedules,
        double?[] lastFinite, TrainingResult?[] results, IEnsembleObserver? observer)
    {
        using var scope = torch.NewDisposeScope();
        double?[] finalLosses = new double?[due.Count];
        var datasets = due.Select(i => sources[i].Dataset).ToArray();
        var active = _model.ActiveMembers;
        if (datasets.Any(d => d is not null))
        {
            var evaluated = new Dictionary<TensorDataset, double[]>(ReferenceEqualityComparer.Instance);
            for (int k = 0; k < due.Count; k++)
                if (datasets[k] is { } d)
                {
                    if (!evaluated.TryGetValue(d, out var all)) evaluated[d] = all = _model.EvaluateLosses(d);
                    finalLosses[k] = all[IndexOf(active, due[k])];
                }
        }
        for (int k = 0; k < due.Count; k++)
        {
            int i = due[k];
            var o = outcome;
            DivergenceInfo? divergence = null;
            double? final = finalLosses[k];
            if (final is double f && !double.IsFinite(f))
            {
                divergence = new DivergenceInfo(step, lastFinite[i], f, "the training loss at the final weights is not finite");
                o = TrainingOutcome.Diverged;
                final = null;
            }
            else if (datasets[k] is null && Trainer.NonFiniteWeights(_model.Parameters.Select(t => t[IndexOf(active, i)]).ToList()) is string broken)
            {
                // With no training set to evaluate the loss on, the weights themselves show that the last update broke them.
                divergence = new DivergenceInfo(step, lastFinite[i], null, broken);
                o = TrainingOutcome.Diverged;
            }
            results[i] = new TrainingResult(o, step, Epochs(sources[i], step), final, divergence, TimeSpan.Zero) { RealisedSchedule = schedules[i] };
        }
        // A member the final check found diverged leaves before the observer hears of it, as on the divergence path;
        // the others stay, at their final weights, for the observer to measure, and leave after.
        KeepAllBut(due.Where(i => results[i]!.Diverged));
        observer?.OnMembersFinished(due, due.Select(i => results[i]!).ToList(), _model);
        KeepAllBut(due);
    }

    // Keeps the active members other than those listed (by member index).
    private void KeepAllBut(IEnumerable<int> members)
    {
        var leaving = members.ToHashSet();
        if (leaving.Count == 0 || !_model.ActiveMembers.Any(leaving.Contains)) return;
        _model.Keep(Enumerable.Range(0, _model.ActiveMembers.Count).Where(p => !leaving.Contains(_model.ActiveMembers[p])).ToList());
    }

    private static int IndexOf(IReadOnlyList<int> list, int value)
    {
        for (int i = 0; i < list.Count; i++) if (list[i] == value) return i;
        return -1;
    }

    // After Finish has removed members from the model, the momentum buffers follow: keep the rows of the survivors.
    private Tensor[]? Drop(List<int> stopped, Tensor[]? momentum, int[]? survivorPositions = null)
    {
        if (momentum is null) return null;
        using var scope = torch.NewDisposeScope();
        if (survivorPositions is null)
        {
            // Finish ran Keep already; the buffers still have the old rows, in the old order, which contained the stopped members.
            int oldCount = (int)momentum[0].shape[0];
            var oldActive = MergeOrder(_model.ActiveMembers, stopped, oldCount);
            survivorPositions = Enumerable.Range(0, oldCount).Where(p => !stopped.Contains(oldActive[p])).ToArray();
        }
        using var index = torch.tensor(survivorPositions.Select(p => (long)p).ToArray());
        var kept = momentum.Select(t => t.index_select(0, index).DetachFromDisposeScope()).ToArray();
        foreach (var t in momentum) t.Dispose();
        return kept;
    }

    // The active order before members left: ActiveMembers stays sorted by member index, so the old order is the sorted union.
    private static int[] MergeOrder(IReadOnlyList<int> active, List<int> stopped, int oldCount)
    {
        var merged = active.Concat(stopped).OrderBy(i => i).ToArray();
        if (merged.Length != oldCount) throw new InvalidOperationException("The momentum buffers lost track of the members.");
        return merged;
    }

    // One in-place step of the members still training (in active order): plain SGD, weight decay and momentum fused into
    // the model's backward, with momentum buffers created at the first momentum step (and owned by Run from then on).
    private void Step(EnsembleForwardPass pass, Tensor outputGradient, int[] members, double[] rates, ref Tensor[]? momentum)
    {
        var options = members.Select(i => _model.Members[i].Training).ToArray();
        bool decay = options.Any(o => o.OptimizerSettings.WeightDecay != 0);
        bool useMomentum = options.Any(o => o.Optimizer == OptimizerKind.Momentum);
        bool first = useMomentum && momentum is null;
        if (first)
            momentum = _model.Parameters.Select(p => torch.zeros_like(p, requires_grad: false).DetachFromDisposeScope()).ToArray();
        // Plain SGD members get μ = 0 (buf = g every step, the plain rule), and so does every member at the first step,
        // where PyTorch's buffer starts as the gradient itself.
        var step = new EnsembleSgdStep(
            rates.Select(r => (float)r).ToArray(),
            decay ? options.Select(o => (float)o.OptimizerSettings.WeightDecay).ToArray() : null,
            useMomentum ? options.Select(o => first || o.Optimizer != OptimizerKind.Momentum ? 0f : (float)o.OptimizerSettings.Momentum).ToArray() : null,
            momentum);
        _model.Step(pass, outputGradient, step);
    }
}
