using Catapults.ML.Tests.Support;
using Catapults.ML.Training;
using TorchSharp;

namespace Catapults.ML.Tests.Training;

/// <summary>
/// Found by mutation testing (round 11A): <see cref="Trainer.ResumeAt"/> must drop the rate changes of the run before,
/// or they reappear in the realised schedule of the next one.
/// </summary>
public sealed class ResumeForgetsRateChangesTests
{
    private sealed class RaiseRateAfter(AdjustableSchedule live, int step, double rate) : ITrainingObserver
    {
        public void OnStepCompleted(StepRecord record, TrainingContext context)
        {
            if (record.Step == step) live.LearningRate = rate;
        }
    }

    [Test]
    public void ResumingFromTheStartForgetsTheRateChangesOfTheRunBefore()
    {
        using var scope = torch.NewDisposeScope();
        using var data = DivergenceSignalTests.Data();
        using var net = Nets.Linear(4, bias: true);
        var live = new AdjustableSchedule(0.01);
        using var trainer = new Trainer(net, new TrainingOptions { Schedule = live, BatchSize = 5, MaxSteps = 4 });
        var first = trainer.Run(data, new ITrainingObserver[] { new RaiseRateAfter(live, 1, 0.02) });
        var firstSchedule = (MilestoneSchedule)first.RealisedSchedule!;
        Assert.That(firstSchedule.Milestones, Is.EqualTo(new[] { new LearningRateMilestone(2, 0.02) }));

        // A fresh start at a constant rate: nothing of the first run's schedule belongs to the second.
        live.LearningRate = 0.01;
        trainer.ResumeAt(0, referenceLoss: null);
        var second = trainer.Run(data);
        var secondSchedule = (MilestoneSchedule)second.RealisedSchedule!;
        Assert.That(secondSchedule.InitialRate, Is.EqualTo(0.01));
        Assert.That(secondSchedule.Milestones, Is.Empty);
        Assert.That(Enumerable.Range(0, 4).Select(secondSchedule.LearningRateAt), Is.All.EqualTo(0.01));
    }

    // Found by mutation testing (round 15C): a resume without a realised schedule forgets the first run's initial rate
    // too. The resumed run's schedule starts at the rate of its own first step, with no milestone at step 0.
    [Test]
    public void ResumingWithoutARealisedScheduleForgetsTheInitialRateOfTheRunBefore()
    {
        using var scope = torch.NewDisposeScope();
        using var data = DivergenceSignalTests.Data();
        using var net = Nets.Linear(4, bias: true);
        var live = new AdjustableSchedule(0.01);
        using var trainer = new Trainer(net, new TrainingOptions { Schedule = live, BatchSize = 5, MaxSteps = 4 });
        Assert.That(((MilestoneSchedule)trainer.Run(data).RealisedSchedule!).InitialRate, Is.EqualTo(0.01));

        live.LearningRate = 0.03;
        trainer.ResumeAt(0, referenceLoss: null);
        var second = (MilestoneSchedule)trainer.Run(data).RealisedSchedule!;
        Assert.That(second.InitialRate, Is.EqualTo(0.03));
        Assert.That(second.Milestones, Is.Empty);
    }

    // Found by mutation testing (round 23C): a run that diverges at step s has already recorded step s's rate, so its
    // realised schedule may hold a change at s though no update was made with it. Resuming at s (typically at a lower
    // rate) must drop that change: the resumed run's own rate at s replaces it, where keeping both put two milestones
    // at one step and the realised schedule could not be built.
    [Test]
    public void ResumingAtAStepReplacesTheCheckpointsChangeAtThatStep()
    {
        using var scope = torch.NewDisposeScope();
        using var data = DivergenceSignalTests.Data();
        using var net = Nets.Linear(4, bias: true);
        var live = new AdjustableSchedule(0.005);
        using var trainer = new Trainer(net, new TrainingOptions { Schedule = live, BatchSize = 5, MaxSteps = 4 });
        var checkpointed = new MilestoneSchedule(0.01, new[] { (1, 0.02), (3, 0.5) });
        trainer.ResumeAt(3, referenceLoss: 1.0, checkpointed);
        var resumed = trainer.Run(data);

        Assert.That(resumed.Steps, Is.EqualTo(4));
        var schedule = (MilestoneSchedule)resumed.RealisedSchedule!;
        Assert.That(schedule.InitialRate, Is.EqualTo(0.01));
        Assert.That(schedule.Milestones, Is.EqualTo(new[] { new LearningRateMilestone(1, 0.02), new LearningRateMilestone(3, 0.005) }));
    }
}
