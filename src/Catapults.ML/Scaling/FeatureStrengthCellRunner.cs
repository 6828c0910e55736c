using Catapults.ML.Probes;
using Catapults.ML.Data;
using Catapults.ML.Ensembles;
using Catapults.ML.Models;
using Catapults.ML.Runtime;
using Catapults.ML.Training;

namespace Catapults.ML.Scaling;

/// <summary>
/// Trains one sweep cell: the centred network of a <see cref="FeatureStrengthCellSpec"/>, online SGD on fresh samples
/// of its synthetic task at rate η, with the held-out loss recorded along the way.
/// </summary>
public static class FeatureStrengthCellRunner
{
    /// <summary>Runs <paramref name="spec"/> (whose γ and η must match <paramref name="cell"/>) and returns its result.</summary>
    public static SweepCellResult Run(FeatureStrengthCellSpec spec, SweepCell cell, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(cell);
        spec.Validate();
        if (spec.Gamma != cell.Gamma || spec.LearningRate != cell.LearningRate)
            throw new ArgumentException(
                $"The spec (γ = {spec.Gamma}, η = {spec.LearningRate}) does not match cell {cell.Id} (γ = {cell.Gamma}, η = {cell.LearningRate}).",
                nameof(spec));
        TorchRuntime.EnsureLoaded();

        var task = new SyntheticTask(spec.Task, spec.InputDimension);
        using var heldOut = OnlineBatchSource.DrawHeldOut(task, spec.HeldOutCount, spec.Seed);
        using var model = new CenteredNetwork(spec.BuildNetwork, spec.Gamma);
        var source = OnlineBatchSource.ForTask(task, spec.BatchSize, spec.Seed);
        var batchLosses = new StepLog(spec.Steps);
        var test = new HeldOutLossProbe(heldOut, spec.EvaluateEvery);
        TrainingResult result;
        using (var trainer = new Trainer(model, spec.Training))
            result = trainer.Run(source, new ITrainingObserver[] { batchLosses, test }, cancellationToken);
        if (result.Outcome == TrainingOutcome.Cancelled) throw new OperationCanceledException(cancellationToken);

        return Assemble(spec, cell, result, batchLosses.Steps.Select(step => step.BatchLoss).ToArray(), test.Records, test.FinalLoss);
    }

    /// <summary>
    /// Runs cells that differ only in γ, η and seed (every other setting of their specs equal) as the members of one
    /// <see cref="FullyConnectedEnsemble"/>: one batched forward and backward pass per step for all of them, each
    /// member with its own rate, γ, initial weights, optimiser state and divergence, on the online stream and held-out
    /// set of its own seed, as <see cref="Run"/> gives it. Results agree with <see cref="Run"/>'s within float32
    /// rounding (see the ensemble tests); <see cref="SweepCellResult.WallSeconds"/> is each cell's share of the
    /// ensemble's time.
    /// </summary>
    /// <exception cref="ArgumentException">The specs differ in more than γ, η and seed, or a spec does not match its cell.</exception>
    public static IReadOnlyList<SweepCellResult> RunEnsemble(IReadOnlyList<(FeatureStrengthCellSpec Spec, SweepCell Cell)> cells,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(cells);
        if (cells.Count == 0) return Array.Empty<SweepCellResult>();
        var first = cells[0].Spec;
        foreach (var (spec, cell) in cells)
        {
            ArgumentNullException.ThrowIfNull(spec);
            spec.Validate();
            if (spec.Gamma != cell.Gamma || spec.LearningRate != cell.LearningRate)
                throw new ArgumentException($"The spec (γ = {spec.Gamma}, η = {spec.LearningRate}) does not match cell {cell.Id} (γ = {cell.Gamma}, η = {cell.LearningRate}).", nameof(cells));
            if (Shared(spec) != Shared(first))
                throw new ArgumentException($"Cell {cell.Id}'s spec differs from cell {cells[0].Cell.Id}'s in more than γ, η and seed, so they cannot share an ensemble.", nameof(cells));
        }
        TorchRuntime.EnsureLoaded();

        var task = new SyntheticTask(first.Task, first.InputDimension);
        // One stream and one held-out set per seed, shared by that seed's members: a shared source draws once per step.
        var seeds = cells.Select(c => c.Spec.Seed).Distinct().ToList();
        var heldOutSets = seeds.Select(s => OnlineBatchSource.DrawHeldOut(task, first.HeldOutCount, s)).ToList();
        var streams = seeds.Select(s => OnlineBatchSource.ForTask(task, first.BatchSize, s)).ToList();
        var seedOf = cells.Select(c => seeds.IndexOf(c.Spec.Seed)).ToArray();
        try
        {
            return RunMembers(cells, first, heldOutSets, streams, seedOf, cancellationToken);
        }
        finally
        {
            foreach (var set in heldOutSets) set.Dispose();
        }
    }

    // The settings members of one ensemble must share: everything but γ, η and the seed.
    private static string Shared(FeatureStrengthCellSpec spec)
    {
        var copy = spec.At(1, 1);
        copy.Seed = 0;
        return SweepJson.Manifest(copy);
    }

    private static IReadOnlyList<SweepCellResult> RunMembers(IReadOnlyList<(FeatureStrengthCellSpec Spec, SweepCell Cell)> cells, FeatureStrengthCellSpec first,
        IReadOnlyList<TensorDataset> heldOutSets, IReadOnlyList<IBatchSource> streams, int[] seedOf, CancellationToken cancellationToken)
    {
        var members = cells.Select(c => new EnsembleMember(c.Spec.Network, c.Spec.Training, c.Spec.Seed, c.Spec.Gamma)).ToList();
        using var ensemble = new FullyConnectedEnsemble(members, new long[] { first.InputDimension }, 1);
        var test = new HeldOutObserver(heldOutSets, seedOf, first.EvaluateEvery);
        var results = new EnsembleTrainer(ensemble).Run(seedOf.Select(s => streams[s]).ToList(), test, cancellationToken);
        if (results.Any(r => r.Result.Outcome == TrainingOutcome.Cancelled)) throw new OperationCanceledException(cancellationToken);
        return results.Select(r => Assemble(cells[r.Member].Spec, cells[r.Member].Cell, r.Result, r.BatchLosses.ToArray(), test.Records[r.Member],
            test.Records[r.Member].Count > 0 ? test.Records[r.Member][^1].Loss : null)).ToList();
    }

    // One cell's result from its training result, batch losses and held-out records (the same rules for a single run and a member).
    private static SweepCellResult Assemble(FeatureStrengthCellSpec spec, SweepCell cell, TrainingResult result, double[] losses,
        IReadOnlyList<HeldOutLoss> records, double? finalLoss)
    {
        bool diverged = result.Diverged;
        double? finalTest = diverged ? null : finalLoss;
        if (finalTest is double ft && !double.IsFinite(ft))
        {
            // The trainer saw finite batch losses, but the weights no longer give a finite prediction.
            diverged = true;
            finalTest = null;
        }
        int window = Math.Max(1, (int)Math.Ceiling(spec.OnlineLossWindow * losses.Length));
        return new SweepCellResult
        {
            Cell = cell,
            Outcome = diverged ? TrainingOutcome.Diverged : result.Outcome,
            DivergenceStep = result.Divergence?.Step ?? (diverged ? result.Steps : null),
            DivergenceReason = result.Divergence?.Reason ?? (diverged ? "the held-out loss at the final weights is not finite" : null),
            Steps = result.Steps,
            FinalOnlineLoss = diverged || losses.Length == 0 ? null : losses.Skip(losses.Length - window).Average(),
            FinalTestLoss = finalTest,
            BatchLosses = losses,
            TestLossSteps = records.Select(l => l.Step).ToArray(),
            TestLosses = records.Select(l => l.Loss).ToArray(),
            WallSeconds = result.WallTime.TotalSeconds,
        };
    }

    /// <summary>
    /// The held-out loss of every member on its own seed's held-out set, as <see cref="HeldOutLossProbe"/> records it
    /// for a single run: at w_t for every step t that is a multiple of the cadence, and at the final weights of a member
    /// that did not diverge.
    /// </summary>
    private sealed class HeldOutObserver : IEnsembleObserver
    {
        private readonly IReadOnlyList<TensorDataset> _sets;
        private readonly int[] _setOf;
        private readonly int _every;

        public HeldOutObserver(IReadOnlyList<TensorDataset> sets, int[] setOf, int every)
        {
            _sets = sets;
            _setOf = setOf;
            _every = every;
            Records = setOf.Select(_ => new List<HeldOutLoss>()).ToArray();
        }

        public List<HeldOutLoss>[] Records { get; }

        public void OnBeforeStep(int step, FullyConnectedEnsemble ensemble)
        {
            if (step % _every != 0) return;
            var losses = Evaluate(ensemble);
            for (int p = 0; p < losses.Length; p++) Records[ensemble.ActiveMembers[p]].Add(new HeldOutLoss(step, losses[p]));
        }

        public void OnMembersFinished(IReadOnlyList<int> finished, IReadOnlyList<TrainingResult> results, FullyConnectedEnsemble ensemble)
        {
            var due = finished.Where((m, k) => !results[k].Diverged && (Records[m].Count == 0 || Records[m][^1].Step != results[k].Steps)).ToList();
            if (due.Count == 0) return;
            var losses = Evaluate(ensemble);
            foreach (int m in due)
            {
                int p = ensemble.ActiveMembers.ToList().IndexOf(m);
                Records[m].Add(new HeldOutLoss(results[finished.ToList().IndexOf(m)].Steps, losses[p]));
            }
        }

        // One seed: the ensemble's own evaluation on the shared set. Several: each active member's own set stacked
        // [A, n, d], so every member is measured in one batched pass instead of one pass over all members per set.
        private double[] Evaluate(FullyConnectedEnsemble ensemble)
        {
            if (_sets.Count == 1) return ensemble.EvaluateLosses(_sets[0]);
            using var scope = torch.NewDisposeScope();
            using var noGrad = torch.no_grad();
            var active = ensemble.ActiveMembers;
            var x = torch.stack(active.Select(m => _sets[_setOf[m]].Features).ToArray());
            var y = torch.stack(active.Select(m => _sets[_setOf[m]].Targets).ToArray());
            var f = ensemble.Forward(x);
            var losses = FullyConnectedEnsemble.MeanSquaredErrors(f, y.reshape(f.shape));
            return losses.to_type(ScalarType.Float64).data<double>().ToArray();
        }
    }
}
