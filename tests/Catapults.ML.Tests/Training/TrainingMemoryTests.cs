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

    [Test]
    public void ACnnsActivationsShrinkWithItsPooling()
    {
        // cnn-5 (four 64-channel convolutions, each pooled by 2) on 3×32×32: each keeps two maps at its input's
        // resolution and the pooled one, at 1024, 256, 64 and 16 pixels: 64 · 2.25 · 1360 floats a sample, with a
        // gradient of each. Counting every map at 32×32 refused a full batch of 3,300 images as 19.3 GiB, which a
        // review measured at 2.8 GiB (5 Dec 2026).
        var cnn = new NetworkDescription { Architecture = "cnn-5" };
        var full = new TrainingOptions { LearningRate = 0.1 };
        long[] cifar = { 3, 32, 32 };
        double perSample = TrainingMemory.Bytes(cnn, cifar, 10, full, 1) - TrainingMemory.Bytes(cnn, cifar, 10, full, 0);
        Assert.That(perSample, Is.EqualTo(sizeof(float) * 2 * 64 * 2.25 * 1360));
        Assert.That(TrainingMemory.Bytes(cnn, cifar, 10, full, 3300) / (1L << 30), Is.LessThan(6));
    }
}
