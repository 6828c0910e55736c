using System.Diagnostics;
using Catapults.ML.Data;
using Catapults.ML.Ensembles;
using Catapults.ML.Models;
using Catapults.ML.Training;
using TorchSharp;

namespace Catapults.ML.Tests.Ensembles;

/// <summary>
/// A member's WallTime is its share of the ensemble's time (each step's time divided by the members that took it), so
/// the members' times add up to no more than the run took, not to the members' count times it.
/// </summary>
public class EnsembleWallTimeShareTests
{
    [Test]
    public void TheMembersWallTimesAddUpToAtMostTheRunsTime()
    {
        using var scope = torch.NewDisposeScope();
        var generator = new torch.Generator(5);
        using var data = new TensorDataset(torch.randn(new long[] { 40, 4 }, generator: generator), torch.randn(new long[] { 40, 1 }, generator: generator), "wall");
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
}
