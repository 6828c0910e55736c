using Catapults.ML.Scaling;

namespace Catapults.ML.Tests.Scaling;

/// <summary>
/// The γ grid of <see cref="FeatureStrengthSweepOptions"/>: a repeated γ is refused (its cells would be trained twice
/// and the slope fits would count that γ twice), and a grid of one point is its lower end. Found by mutation testing
/// (round 19C).
/// </summary>
[TestFixture]
public sealed class SweepOptionsGridTests
{
    [Test]
    public void ARepeatedGammaIsRefused()
    {
        var options = new FeatureStrengthSweepOptions { Gammas = new[] { 0.1, 10.0, 0.1 }, StartingLearningRate = _ => 1.0 };
        var ex = Assert.Throws<ArgumentException>(options.Validate);
        Assert.That(ex!.ParamName, Is.EqualTo(nameof(FeatureStrengthSweepOptions.Gammas)));
        Assert.That(ex.Message, Does.StartWith("Gammas must not repeat a value."));
    }

    [Test]
    public void AOnePointGridIsItsMinimum() =>
        Assert.That(FeatureStrengthSweepOptions.LogGrid(0.5, 8, 1), Is.EqualTo(new[] { 0.5 }));

    // A grid of no points would give a sweep of no γ, which Validate then refuses for another reason ("Gammas must hold
    // at least one γ"); the grid itself names the count. Found by mutation testing (round 24B).
    [Test]
    public void AGridOfNoPointsIsRefused()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => FeatureStrengthSweepOptions.LogGrid(0.01, 100, 0));
        Assert.That(ex!.ParamName, Is.EqualTo("count"));
    }
}
