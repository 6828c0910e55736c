using Catapults.ML.Data;
using Catapults.ML.Probes;
using Catapults.ML.Tests.Support;
using Catapults.ML.Training;

namespace Catapults.ML.Tests.Probes;

/// <summary>
/// Found by mutation testing (round 29A): a run that starts later than step 0 (the same trainer's next run) continues
/// the trajectory of the run before it, so a step that run already measured is not measured again. With every start
/// treated as a new trajectory, the first run's final record of step 3 (a due step) was followed by a second record
/// of step 3, and no test saw it: the tests of a trainer's next run measured off the cadence or without final records.
/// </summary>
[TestFixture]
public sealed class ProbeTrajectoryContinuationTests
{
    [Test]
    public void TheSameTrainersNextRunDoesNotMeasureTheStepItStartsAtAgain()
    {
        var (train, test) = SyntheticTask.Rank2(6).CreateSplits(40, 20, seed: 4);
        using (train)
        using (test)
        using (var net = Nets.TwoLayer(6, 16, seed: 1))
        using (var trainer = new Trainer(net, new TrainingOptions { LearningRate = 0.05, BatchSize = 8, MaxSteps = 3 }))
        using (var probe = new HeldOutLossProbe(test, 3))
        {
            trainer.Run(train, new[] { probe });
            Assert.That(probe.Records.Select(r => r.Step), Is.EqualTo(new[] { 0, 3 }), "step 0 and the final weights, step 3");
            trainer.Options = trainer.Options with { MaxSteps = 7 };
            trainer.Run(train, new[] { probe });
            Assert.That(probe.Records.Select(r => r.Step), Is.EqualTo(new[] { 0, 3, 6, 7 }), "step 3 once, then the second run's steps");
        }
    }
}
