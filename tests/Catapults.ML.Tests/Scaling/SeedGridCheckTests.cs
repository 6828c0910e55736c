using Catapults.ML.Scaling;
using Catapults.ML.Training;

namespace Catapults.ML.Tests.Scaling;

/// <summary>
/// Found by mutation testing (round 11A): <see cref="FeatureStrengthSweep.CombineSeeds"/> refuses a seed's sweep that
/// ran a γ grid of another length. Comparing only the γ values the shorter grid has let a sweep of the first γ alone
/// through, to fail later on a missing index, and a longer one failed with an index error instead of the message.
/// </summary>
public sealed class SeedGridCheckTests
{
    private static FeatureStrengthSweepOptions Options(params double[] gammas) => new()
    {
        Gammas = gammas, LevelSpacingDecades = 0.25, StartingLearningRate = _ => 1.0,
    };

    // One stable cell per γ.
    private static SweepResult Sweep(FeatureStrengthSweepOptions options) => FeatureStrengthSweep.Summarise(options,
        options.Gammas.Select((g, i) => new SweepCellResult
        {
            Cell = new SweepCell(i, g, 0, 1.0), Outcome = TrainingOutcome.BudgetReached, FinalTestLoss = 0.5, Steps = 10,
        }));

    [Test]
    public void ASweepOfFewerOrMoreGammasThanTheOptionsIsRefused()
    {
        var options = Options(0.1, 10.0);
        foreach (var other in new[] { Options(0.1), Options(0.1, 10.0, 100.0) })
        {
            var ex = Assert.Throws<ArgumentException>(() => FeatureStrengthSweep.CombineSeeds(options, new long[] { 1, 2 },
                new[] { Sweep(options), Sweep(other) }));
            Assert.That(ex!.ParamName, Is.EqualTo("perSeed"));
            Assert.That(ex.Message, Does.StartWith("Every seed's sweep must run the options' γ grid."));
        }
        Assert.That(FeatureStrengthSweep.CombineSeeds(options, new long[] { 1, 2 }, new[] { Sweep(options), Sweep(options) }).Gammas,
            Has.Count.EqualTo(2));
    }

    // Found by mutation testing (round 15A): with the values left unchecked, a sweep of as many γ on another grid passed
    // every test, and its η* would have been taken as the options' γ.
    [Test]
    public void ASweepOfAsManyGammasOnAnotherGridIsRefused()
    {
        var options = Options(0.1, 10.0);
        var ex = Assert.Throws<ArgumentException>(() => FeatureStrengthSweep.CombineSeeds(options, new long[] { 1, 2 },
            new[] { Sweep(options), Sweep(Options(0.1, 100.0)) }));
        Assert.That(ex!.ParamName, Is.EqualTo("perSeed"));
        Assert.That(ex.Message, Does.StartWith("Every seed's sweep must run the options' γ grid."));
    }
}
