using Catapults.ML.Training;

namespace Catapults.ML.Tests.Training;

/// <summary>
/// The documented defaults of <see cref="OptimizerOptions"/>: a run that sets nothing trains with these, and results
/// are compared across runs on the assumption that they never drift. Found by mutation testing (round 9B): a changed
/// momentum or β₂ default passed every test.
/// </summary>
public sealed class OptimizerDefaultsTests
{
    [Test]
    public void TheDefaultsAreTheDocumentedOnes()
    {
        var options = new OptimizerOptions();
        Assert.Multiple(() =>
        {
            Assert.That(options.Momentum, Is.EqualTo(0.9));
            Assert.That(options.Beta1, Is.EqualTo(0.9));
            Assert.That(options.Beta2, Is.EqualTo(0.999));
            Assert.That(options.RmsPropAlpha, Is.EqualTo(0.99));
            Assert.That(options.Epsilon, Is.Null);
            Assert.That(options.WeightDecay, Is.Zero);
            Assert.That(options.SharpnessAwareRadius, Is.Null, "SAM is off unless asked for");
        });
    }

    [Test]
    public void TrainingOptionsStartFromTheDefaultSettings()
    {
        Assert.That(new TrainingOptions().OptimizerSettings, Is.EqualTo(new OptimizerOptions()));
    }
}
