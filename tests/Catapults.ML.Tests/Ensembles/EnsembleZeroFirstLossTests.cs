using Catapults.ML.Data;
using Catapults.ML.Ensembles;
using Catapults.ML.Models;
using Catapults.ML.Training;
using TorchSharp;

namespace Catapults.ML.Tests.Ensembles;

/// <summary>
/// A first batch loss of exactly 0 is no reference for divergence (every later loss would exceed DivergenceFactor × 0):
/// as in Trainer, the reference is at least 1e-12, so a later loss of 1e-6 with the default factor 1e8 (threshold
/// 1e-4) is no divergence.
/// </summary>
public class EnsembleZeroFirstLossTests
{
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
}
