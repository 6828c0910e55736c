using Catapults.ML.Data;
using Catapults.ML.Models;
using Catapults.ML.Tests.Support;
using Catapults.ML.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Catapults.ML.Tests.Training;

/// <summary>
/// Training keeps every number the network and the MSE loss hand libtorch alive through the native call, as the
/// optimisers do (see <see cref="ScalarSafeOptimizerTests"/>): the layers' weight scales and bias sums, the output
/// multiplier and the loss's 1/b. Without that a collection that another thread causes can free the number while
/// libtorch reads it, and the run ends in libtorch's "Unknown scalar type" (the full test suite met it on 7 Dec 2026,
/// in <c>Losses.Compute</c>'s division by b).
/// </summary>
public sealed class TrainerScalarLifetimeTests
{
    // Seven narrow layers: each step hands libtorch 16 numbers (a scale and a bias's 1 per layer, the output multiplier,
    // 1/b) at little arithmetic. Before the numbers were held this failed in each of 7 runs here, in the layers' products
    // and sums and in the loss. The transformer and residual networks hold theirs through the same KeptScalars; a
    // three-block transformer failed the same way in 4 runs of 4 before, but took 46 s for 1,500 steps beside the
    // allocating thread after (the collections pause each of its many native calls), too long for the suite.
    private const int Steps = 4_000;

    [Test]
    public void ManyStepsBesideAnAllocatingThreadNeverReadAFreedNumber()
    {
        using var scope = torch.NewDisposeScope();
        using var generator = new torch.Generator(3);
        using var data = new TensorDataset(torch.randn(new long[] { 8, 3 }, generator: generator), torch.randn(new long[] { 8, 1 }, generator: generator));
        using var network = new FullyConnectedNetwork(new FullyConnectedOptions
            { InputDimension = 3, HiddenWidths = new[] { 2, 2, 2, 2, 2, 2 }, Parameterization = Parameterization.Ntk, OutputMultiplier = 0.5, Seed = 1 });
        TrainingResult result;
        using (new AllocatingThread())
            result = Trainer.Train(network, data, new TrainingOptions { LearningRate = 1e-3, MaxSteps = Steps });
        Assert.That(result.Outcome, Is.EqualTo(TrainingOutcome.BudgetReached));
        Assert.That(result.Steps, Is.EqualTo(Steps));
    }
}
