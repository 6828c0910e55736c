using Catapults.ML.Models;
using Catapults.ML.Training;

namespace Catapults.ML.Tests.Training;

/// <summary>The training memory estimate against what the networks really allocate.</summary>
public sealed class TrainingMemoryTests
{
    [Test]
    public void TheTrainingMemoryEstimateBoundsWhatANetworkHolds()
    {
        // The estimate's weights (all but the activations of a batch, at two copies: weights and gradients, for SGD)
        // against the parameters each architecture really allocates: exact for fcn, an upper bound within 5 % for the others.
        var sgd = new TrainingOptions { LearningRate = 0.1, BatchSize = 1 };
        foreach (var (architecture, width) in new[] { ("fcn-3", (int?)16), ("cnn-3", 4), ("wrn-10-1", null), ("vit-2", 8) })
        {
            var description = new NetworkDescription { Architecture = architecture, Width = width };
            long[] shape = architecture.StartsWith("fcn") ? new long[] { 192 } : new long[] { 3, 8, 8 };
            using var network = description.Build(shape, 3, seed: 0);
            double parameters = network.TrainableParameterCount();
            // With no samples the batch is empty, so what is left is the weights and their gradients.
            double bound = TrainingMemory.Bytes(description, shape, 3, sgd, 0) / (2 * sizeof(float));
            double oneSample = TrainingMemory.Bytes(description, shape, 3, sgd, 1) - TrainingMemory.Bytes(description, shape, 3, sgd, 0);
            Assert.That(bound, Is.GreaterThanOrEqualTo(parameters).And.LessThanOrEqualTo(1.05 * parameters), architecture);
            if (architecture.StartsWith("fcn")) Assert.That(bound, Is.EqualTo(parameters), "exact for fully connected networks");
            Assert.That(oneSample, Is.GreaterThan(0), "a batch's activations count");
        }
        var adam = TrainingMemory.Bytes(new NetworkDescription { Architecture = "fcn-2", Width = 16 }, new long[] { 192 }, 3, new TrainingOptions { LearningRate = 0.1, BatchSize = 1, Optimizer = OptimizerKind.Adam }, 0);
        var plain = TrainingMemory.Bytes(new NetworkDescription { Architecture = "fcn-2", Width = 16 }, new long[] { 192 }, 3, new TrainingOptions { LearningRate = 0.1, BatchSize = 1 }, 0);
        Assert.That(adam / plain, Is.EqualTo(2.0), "Adam's two moments: four copies of the weights against two");
    }
}
