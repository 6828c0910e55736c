using Catapults.ML.Data;
using Catapults.ML.Ensembles;
using Catapults.ML.Models;
using Catapults.ML.Training;
using TorchSharp;

namespace Catapults.ML.Tests.Ensembles;

/// <summary>
/// A schedule may reach the rate 0 (a milestone at 0, a decay to a final rate of 0): the single trainer runs on at it,
/// since only a rate that is negative or not a finite float32 ends a run. A member at rate 0 is no divergence either;
/// it trains on to its budget without moving.
/// </summary>
public class EnsembleZeroRateTests
{
    [Test]
    public void AMemberWhoseScheduleReachesZeroRunsToItsBudgetWithoutMoving()
    {
        using var scope = torch.NewDisposeScope();
        var generator = new torch.Generator(4);
        var x = torch.randn(new long[] { 20, 4 }, generator: generator);
        var y = torch.randn(new long[] { 20, 1 }, generator: generator);
        using var data = new TensorDataset(x, y, "zero-rate");
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
}
