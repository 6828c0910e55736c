using System.Diagnostics;
using Catapults.ML.Data;
using Catapults.ML.Ensembles;
using Catapults.ML.Models;
using Catapults.ML.Training;
using TorchSharp;

namespace Catapults.ML.Tests.Ensembles;

/// <summary>
/// An ensemble member at the edges of a run ends as a single Trainer run would: its epoch count, a final loss that
/// overflows, a rate of 0, a first loss of 0, and its share of the wall time.
/// </summary>
public class EnsembleRunEdgeCaseTests
{
    // Random regression data: rows × 4 inputs, one target.
    private static TensorDataset RandomData(long seed, int rows, string name)
    {
        var generator = new torch.Generator((ulong)seed);
        return new TensorDataset(torch.randn(new long[] { rows, 4 }, generator: generator), torch.randn(new long[] { rows, 1 }, generator: generator), name);
    }

    // A member that stops part-way through an epoch reports the epochs it began, ⌈steps / steps per epoch⌉, as a single
    // Trainer run does, not only the epochs it completed.
    [Test]
    public void EpochsCountTheEpochsBegun()
    {
        using var scope = torch.NewDisposeScope();
        // 40 rows in batches of 5: 8 steps per epoch.
        using var data = RandomData(6, 40, "epochs");
        var net = new NetworkDescription { Architecture = "fcn-2", Width = 8 };
        int[] budgets = { 3, 8, 10, 16, 17 };
        var members = budgets.Select((s, i) => new EnsembleMember(net, new TrainingOptions { LearningRate = 0.05, BatchSize = 5, MaxSteps = s }, i)).ToArray();
        using var ensemble = new FullyConnectedEnsemble(members, new long[] { 4 }, 1);

        var results = new EnsembleTrainer(ensemble).Run(data);

        for (int i = 0; i < budgets.Length; i++)
        {
            Assert.That(results[i].Result.Steps, Is.EqualTo(budgets[i]));
            Assert.That(results[i].Result.Epochs, Is.EqualTo((budgets[i] + 7) / 8), $"{budgets[i]} steps of 8 per epoch");
        }
        // The single trainer's convention, for one of them.
        using var single = members[2].BuildSingle(new long[] { 4 }, 1);
        using var trainer = new Trainer(single, members[2].Training);
        Assert.That(trainer.Run(data).Epochs, Is.EqualTo(2));
    }

    // A last update that blows the weights up so far that the final training loss overflows float32 to +∞ (not NaN)
    // ends the member as diverged, as a non-finite final loss does in Trainer, and it reports no final loss.
    [Test]
    public void AnInfiniteFinalTrainingLossIsADivergence()
    {
        using var scope = torch.NewDisposeScope();
        using var data = RandomData(9, 20, "blow-up");
        var net = new NetworkDescription { Architecture = "fcn-2", Width = 16 };
        // A sound rate for three steps, then one step at 1e15: weights of order 1e15, outputs of order 1e30, whose
        // squares (1e60) overflow float32 to +∞; no step's batch loss is taken after the last update.
        var training = new TrainingOptions
        {
            Schedule = new MilestoneSchedule(0.05, new[] { (3, 1e15) }), BatchSize = 5, MaxSteps = 4,
        };
        using var ensemble = new FullyConnectedEnsemble(new[] { new EnsembleMember(net, training, 1) }, new long[] { 4 }, 1);

        var result = new EnsembleTrainer(ensemble).Run(data)[0].Result;

        Assert.That(result.Outcome, Is.EqualTo(TrainingOutcome.Diverged));
        Assert.That(result.FinalTrainingLoss, Is.Null);
        Assert.That(result.Divergence!.Reason, Does.Contain("final weights is not finite"));
        Assert.That(result.Divergence.OffendingLoss, Is.EqualTo(double.PositiveInfinity), "the loss overflowed, it is no NaN");
    }

    // A member's WallTime is its share of the ensemble's time (each step's time divided by the members that took it), so
    // the members' times add up to no more than the run took, not to the members' count times it.
    [Test]
    public void TheMembersWallTimesAddUpToAtMostTheRunsTime()
    {
        using var scope = torch.NewDisposeScope();
        using var data = RandomData(5, 40, "wall");
        var net = new NetworkDescription { Architecture = "fcn-2", Width = 16 };
        var training = new TrainingOptions { LearningRate = 0.05, BatchSize = 5, MaxSteps = 60 };
        var members = Enumerable.Range(0, 4).Select(i => new EnsembleMember(net, training with { ShuffleSeed = i }, i)).ToArray();
        using var ensemble = new FullyConnectedEnsemble(members, new long[] { 4 }, 1);
        var trainer = new EnsembleTrainer(ensemble);

        var clock = Stopwatch.StartNew();
        var results = trainer.Run(data);
        double elapsed = clock.Elapsed.TotalSeconds;

        double sum = results.Sum(r => r.Result.WallTime.TotalSeconds);
        Assert.That(sum, Is.GreaterThan(0));
        Assert.That(sum, Is.LessThanOrEqualTo(elapsed), "the members share the run's time");
        // Four members that took every step together have equal shares.
        foreach (var r in results)
            Assert.That(r.Result.WallTime.TotalSeconds, Is.EqualTo(sum / 4).Within(1e-9 + 1e-9 * sum), $"member {r.Member}");
    }

    // A schedule may reach the rate 0 (a milestone at 0, a decay to a final rate of 0): the single trainer runs on at it,
    // since only a rate that is negative or not a finite float32 ends a run. A member at rate 0 is no divergence either;
    // it trains on to its budget without moving.
    [Test]
    public void AMemberWhoseScheduleReachesZeroRunsToItsBudgetWithoutMoving()
    {
        using var scope = torch.NewDisposeScope();
        using var data = RandomData(4, 20, "zero-rate");
        var net = new NetworkDescription { Architecture = "fcn-2", Width = 8 };
        var stopping = new TrainingOptions
        {
            Schedule = new MilestoneSchedule(0.05, new[] { (3, 0.0) }), BatchSize = 5, ShuffleSeed = 2, MaxSteps = 6,
        };
        var reference = new TrainingOptions { LearningRate = 0.05, BatchSize = 5, ShuffleSeed = 2, MaxSteps = 3 };
        var members = new[] { new EnsembleMember(net, stopping, Seed: 1), new EnsembleMember(net, reference, Seed: 1) };
        using var ensemble = new FullyConnectedEnsemble(members, new long[] { 4 }, 1);

        var results = new EnsembleTrainer(ensemble).Run(data);

        Assert.That(results[0].Result.Outcome, Is.EqualTo(TrainingOutcome.BudgetReached), results[0].Result.Divergence?.Reason);
        Assert.That(results[0].Result.Steps, Is.EqualTo(6));
        Assert.That(results[0].BatchLosses, Has.Count.EqualTo(6));
        // Rate 0 from step 3 on: the weights are those after the first three steps, which the reference member stops at.
        using var zeroRate = ensemble.ExtractMember(0);
        using var threeSteps = ensemble.ExtractMember(1);
        var a = zeroRate.parameters().ToArray();
        var b = threeSteps.parameters().ToArray();
        Assert.That(a, Has.Length.EqualTo(b.Length));
        for (int k = 0; k < a.Length; k++)
            Assert.That((a[k] - b[k]).abs().max().item<float>(), Is.LessThan(1e-6f), $"parameter {k}");
    }

    // Zero inputs into a network without biases: f = 0 exactly and nothing moves, so each step's loss is the mean
    // square of its targets: 0 at step 0, (1e-3)² = 1e-6 afterwards.
    private sealed class ZeroThenSmall : IBatchSource
    {
        public TensorDataset? Dataset => null;
        public int? StepsPerEpoch => null;
        public int BatchSize => 5;
        public Batch BatchAt(int step) =>
            new(torch.zeros(5, 4), step == 0 ? torch.zeros(5, 1) : torch.full(5, 1, 1e-3f), new long[] { 0, 1, 2, 3, 4 }, 0);
    }

    // A first batch loss of exactly 0 is no reference for divergence (every later loss would exceed DivergenceFactor × 0):
    // as in Trainer, the reference is at least 1e-12, so a later loss of 1e-6 with the default factor 1e8 (threshold
    // 1e-4) is no divergence.
    [Test]
    public void AZeroFirstLossDoesNotMakeEveryLaterLossADivergence()
    {
        using var scope = torch.NewDisposeScope();
        var net = new NetworkDescription { Architecture = "fcn-2", Width = 8, UseBias = false };
        var training = new TrainingOptions { LearningRate = 0.1, BatchSize = 5, MaxSteps = 4 };
        using var ensemble = new FullyConnectedEnsemble(new[] { new EnsembleMember(net, training, 1) }, new long[] { 4 }, 1);

        var results = new EnsembleTrainer(ensemble).Run(new IBatchSource[] { new ZeroThenSmall() });

        var result = results[0];
        Assert.That(result.Result.Outcome, Is.EqualTo(TrainingOutcome.BudgetReached), result.Result.Divergence?.Reason);
        Assert.That(result.Result.Steps, Is.EqualTo(4));
        Assert.That(result.BatchLosses[0], Is.EqualTo(0.0));
        for (int t = 1; t < 4; t++) Assert.That(result.BatchLosses[t], Is.EqualTo(1e-6).Within(1e-9), $"step {t}");
    }

    // Zero inputs into a network without biases again (f = 0, nothing moves): step 0's targets are all 1 (loss 1), every
    // later step's are (3, 1, 0, 0, 0), a loss of (9 + 1)/5 = 2, exactly twice the first in float32.
    private sealed class LossOneThenTwo : IBatchSource
    {
        public TensorDataset? Dataset => null;
        public int? StepsPerEpoch => null;
        public int BatchSize => 5;
        public Batch BatchAt(int step) =>
            new(torch.zeros(5, 4), step == 0 ? torch.ones(5, 1) : torch.tensor(new float[] { 3, 1, 0, 0, 0 }).reshape(5, 1), new long[] { 0, 1, 2, 3, 4 }, 0);
    }

    // Divergence is a batch loss above DivergenceFactor × the first one, as in Trainer: a loss of exactly that much is not
    // (mutation round 13A).
    [Test]
    public void ALossOfExactlyTheFactorTimesTheFirstIsNoDivergence()
    {
        using var scope = torch.NewDisposeScope();
        var net = new NetworkDescription { Architecture = "fcn-2", Width = 8, UseBias = false };
        var training = new TrainingOptions { LearningRate = 0.1, BatchSize = 5, MaxSteps = 3, DivergenceFactor = 2 };
        using var ensemble = new FullyConnectedEnsemble(new[] { new EnsembleMember(net, training, 1) }, new long[] { 4 }, 1);

        var result = new EnsembleTrainer(ensemble).Run(new IBatchSource[] { new LossOneThenTwo() })[0];

        Assert.That(result.Result.Outcome, Is.EqualTo(TrainingOutcome.BudgetReached), result.Result.Divergence?.Reason);
        Assert.That(result.Result.Steps, Is.EqualTo(3));
        Assert.That(result.BatchLosses, Is.EqualTo(new[] { 1.0, 2.0, 2.0 }));
    }

    // Zero inputs, no biases: f = 0 and nothing moves. Step 0's targets are 0 (loss 0), later ones 0.1 (loss 0.01).
    private sealed class ZeroThenTenth : IBatchSource
    {
        public TensorDataset? Dataset => null;
        public int? StepsPerEpoch => null;
        public int BatchSize => 5;
        public Batch BatchAt(int step) =>
            new(torch.zeros(5, 4), step == 0 ? torch.zeros(5, 1) : torch.full(5, 1, 0.1f), new long[] { 0, 1, 2, 3, 4 }, 0);
    }

    // The floor under a zero first loss is 1e-12, as in Trainer: with the default factor 1e8 a later loss of 0.01 is
    // above 1e-4 and a divergence at step 1 (mutation round 13A).
    [Test]
    public void AfterAZeroFirstLossTheThresholdIsTheFactorTimesOneEMinusTwelve()
    {
        using var scope = torch.NewDisposeScope();
        var net = new NetworkDescription { Architecture = "fcn-2", Width = 8, UseBias = false };
        var training = new TrainingOptions { LearningRate = 0.1, BatchSize = 5, MaxSteps = 4 };
        using var ensemble = new FullyConnectedEnsemble(new[] { new EnsembleMember(net, training, 1) }, new long[] { 4 }, 1);

        var result = new EnsembleTrainer(ensemble).Run(new IBatchSource[] { new ZeroThenTenth() })[0];

        Assert.That(result.Result.Outcome, Is.EqualTo(TrainingOutcome.Diverged));
        Assert.That(result.Result.Divergence!.Step, Is.EqualTo(1));
        Assert.That(result.Result.Divergence.Reason, Is.EqualTo("the batch loss exceeds 1E+08 × the first batch loss (1E-12)"));
        Assert.That(result.BatchLosses, Is.EqualTo(new[] { 0.0 }));
    }

    // Members with batches of one sample from their own sources: the stacked batch [A, 1, d] is one sample per member,
    // so each member trains on its own sample as its single run does (mutation round 13A).
    [Test]
    public void MembersWithBatchesOfOneReproduceTheirSingleRuns()
    {
        using var scope = torch.NewDisposeScope();
        using var data = RandomData(7, 12, "batches-of-one");
        var net = new NetworkDescription { Architecture = "fcn-2", Width = 8 };
        TrainingOptions Training(long shuffle) => new() { LearningRate = 0.05, BatchSize = 1, ShuffleSeed = shuffle, MaxSteps = 6 };
        var members = new[] { new EnsembleMember(net, Training(1), 1), new EnsembleMember(net, Training(2), 2) };
        using var ensemble = new FullyConnectedEnsemble(members, new long[] { 4 }, 1);

        var results = new EnsembleTrainer(ensemble).Run(data);

        SingleRunAgreement.AssertMembersMatch(ensemble, results, data);
    }

    // Inputs [A, 1, d] are a batch of one sample per active member, as [A, b, d] is for any b: member m's output is its
    // network at its own sample (mutation round 13A).
    [Test]
    public void InputsOfOneSamplePerMemberGiveOneOutputPerMember()
    {
        using var scope = torch.NewDisposeScope();
        var net = new NetworkDescription { Architecture = "fcn-2", Width = 8 };
        var training = new TrainingOptions { LearningRate = 0.05, BatchSize = 1, MaxSteps = 1 };
        using var ensemble = new FullyConnectedEnsemble(new[] { new EnsembleMember(net, training, 1), new EnsembleMember(net, training, 2) }, new long[] { 4 }, 1);
        var x = torch.randn(new long[] { 2, 1, 4 }, generator: new torch.Generator(5));
        var f = ensemble.Forward(x);
        Assert.That(f.shape, Is.EqualTo(new long[] { 2, 1, 1 }));
        for (int m = 0; m < 2; m++)
        {
            using var single = ensemble.ExtractMember(m);
            Assert.That(f[m, 0, 0].ToSingle(), Is.EqualTo(single.forward(x[m]).detach()[0, 0].ToSingle()).Within(1e-5), $"member {m} at its own sample");
        }
    }

    // With an input shape of several dimensions, flattened inputs [A, 1, d] are still one sample per member, not A shared
    // samples of [1, d] (mutation round 28A).
    [Test]
    public void FlattenedInputsOfOneSamplePerMemberGiveOneOutputPerMemberForAnImageShape()
    {
        using var scope = torch.NewDisposeScope();
        var net = new NetworkDescription { Architecture = "fcn-2", Width = 8 };
        var training = new TrainingOptions { LearningRate = 0.05, BatchSize = 1, MaxSteps = 1 };
        using var ensemble = new FullyConnectedEnsemble(new[] { new EnsembleMember(net, training, 1), new EnsembleMember(net, training, 2) }, new long[] { 2, 3 }, 1);
        var x = torch.randn(new long[] { 2, 1, 6 }, generator: new torch.Generator(5));
        var f = ensemble.Forward(x);
        Assert.That(f.shape, Is.EqualTo(new long[] { 2, 1, 1 }));
        for (int m = 0; m < 2; m++)
        {
            using var single = ensemble.ExtractMember(m);
            Assert.That(f[m, 0, 0].ToSingle(), Is.EqualTo(single.forward(x[m].reshape(1, 2, 3)).detach()[0, 0].ToSingle()).Within(1e-5), $"member {m} at its own sample");
        }
    }
}
