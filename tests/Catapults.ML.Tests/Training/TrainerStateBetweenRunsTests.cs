using Catapults.ML.Tests.Support;
using Catapults.ML.Training;
using TorchSharp;

namespace Catapults.ML.Tests.Training;

/// <summary>
/// Found by mutation testing (round 11A): what a trainer must forget between runs. The full training loss it shares
/// within a step must not outlive a run (the caller may restore or edit the weights in between), and
/// <see cref="Trainer.ResumeAt"/> must drop the rate changes of the run before, or they reappear in the realised
/// schedule of the next one.
/// </summary>
public sealed class TrainerStateBetweenRunsTests
{
    [Test]
    public void TheFinalLossOfALaterRunIsMeasuredAtTheWeightsOfThatRun()
    {
        using var scope = torch.NewDisposeScope();
        using var data = DivergenceSignalTests.Data();
        using var net = Nets.Linear(4, bias: true);
        var options = new TrainingOptions { LearningRate = 0.05, BatchSize = 5, MaxSteps = 3 };
        using var trainer = new Trainer(net, options);
        var first = trainer.Run(data);

        // The caller changes the weights (as restoring a checkpoint would), then runs with no steps left: the final
        // loss is the loss at the weights now, which for f = 0 is the mean square of the targets.
        using (torch.no_grad())
            foreach (var p in net.parameters()) p.zero_();
        var second = trainer.Run(data);
        double expected = data.Targets.square().sum(1).mean().ToDouble();
        Assert.That(second.Steps, Is.EqualTo(first.Steps), "no step was left in the budget");
        Assert.That(second.FinalTrainingLoss, Is.EqualTo(expected).Within(1e-6));
        Assert.That(second.FinalTrainingLoss, Is.Not.EqualTo(first.FinalTrainingLoss));
    }

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
}
