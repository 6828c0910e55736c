using Catapults.ML.Data;
using Catapults.ML.Ensembles;
using Catapults.ML.Models;
using Catapults.ML.Training;
using TorchSharp;

namespace Catapults.ML.Tests.Ensembles;

/// <summary>
/// A last update that blows the weights up so far that the final training loss overflows float32 to +∞ (not NaN)
/// ends the member as diverged, as a non-finite final loss does in Trainer, and it reports no final loss.
/// </summary>
public class EnsembleInfiniteFinalLossTests
{
    [Test]
    public void AnInfiniteFinalTrainingLossIsADivergence()
    {
        using var scope = torch.NewDisposeScope();
        var generator = new torch.Generator(9);
        using var data = new TensorDataset(torch.randn(new long[] { 20, 4 }, generator: generator), torch.randn(new long[] { 20, 1 }, generator: generator), "blow-up");
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
}
