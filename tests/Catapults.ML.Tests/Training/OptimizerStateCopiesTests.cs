using Catapults.ML.Training;

namespace Catapults.ML.Tests.Training;

/// <summary>
/// <see cref="Optimizers.StateCopies"/> counts each optimiser's buffers, which the memory estimate of a run adds to the
/// weights: momentum keeps one, Adam two, RMSprop and Adagrad one, and SAM one more for its perturbation. Found by
/// mutation testing (round 30A): only plain SGD and Adam were pinned, so momentum counted as buffer-free passed.
/// </summary>
[TestFixture]
public sealed class OptimizerStateCopiesTests
{
    [TestCase(OptimizerKind.Sgd, 0)]
    [TestCase(OptimizerKind.Momentum, 1)]
    [TestCase(OptimizerKind.Adam, 2)]
    [TestCase(OptimizerKind.RmsProp, 1)]
    [TestCase(OptimizerKind.Adagrad, 1)]
    public void EachOptimiserKeepsItsBuffersAndSamOneMore(OptimizerKind kind, int buffers)
    {
        var plain = new TrainingOptions { LearningRate = 0.1, Optimizer = kind };
        var sam = plain with { OptimizerSettings = new OptimizerOptions { SharpnessAwareRadius = 0.05 } };
        Assert.That(Optimizers.StateCopies(plain), Is.EqualTo(buffers));
        Assert.That(Optimizers.StateCopies(sam), Is.EqualTo(buffers + 1));
    }

    // A kind the count does not know is refused rather than counted as one buffer, which would let a memory estimate
    // fall short without a word (round 30A noticed the silent default).
    [Test]
    public void AnUnknownOptimiserIsRefusedNotGuessed()
    {
        var options = new TrainingOptions { LearningRate = 0.1, Optimizer = (OptimizerKind)99 };
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => Optimizers.StateCopies(options));
        Assert.That(ex!.Message, Does.StartWith("Unknown optimiser."));
    }
}
