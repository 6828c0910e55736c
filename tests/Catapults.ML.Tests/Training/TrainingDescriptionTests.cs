using System.Text.Json;
using TorchSharp;
using Catapults.ML.Data;
using Catapults.ML.Tests.Support;
using Catapults.ML.Training;

namespace Catapults.ML.Tests.Training;

/// <summary>The training description as a value: JSON round trips, replacement between runs, and rate control.</summary>
public class TrainingDescriptionTests
{
    [Test]
    public void EveryScheduleKindRoundTripsThroughJson()
    {
        var schedules = new ILearningRateSchedule[]
        {
            new ConstantSchedule(0.3),
            new MilestoneSchedule(0.1, new[] { (5, 0.2), (9, 0.05) }),
            new WarmupDecaySchedule(1.0, 4, 14, DecayKind.Linear, 0.1),
        };
        foreach (var schedule in schedules)
        {
            var options = new TrainingOptions
            {
                Loss = LossKind.CrossEntropy, Optimizer = OptimizerKind.Adam, OptimizerSettings = new OptimizerOptions { Beta2 = 0.95 },
                Schedule = schedule, BatchSize = 7, MaxSteps = 30, TargetLoss = 0.01, ShuffleSeed = 4,
            };
            string json = JsonSerializer.Serialize(options);
            Assert.That(json, Does.Contain("\"CrossEntropy\"").And.Contain("\"Adam\"").And.Contain("\"kind\""), "enums by name, schedules with their kind");
            var back = JsonSerializer.Deserialize<TrainingOptions>(json)!;
            Assert.That(back with { Schedule = null }, Is.EqualTo(options with { Schedule = null }));
            Assert.That(back.Schedule!.GetType(), Is.EqualTo(schedule.GetType()));
            for (int step = 0; step < 20; step++)
                Assert.That(back.Schedule.LearningRateAt(step), Is.EqualTo(schedule.LearningRateAt(step)), $"{schedule.GetType().Name} at step {step}");
        }
    }

    [Test]
    public void RuntimeHooksAreNotPartOfTheDescription()
    {
        var options = new TrainingOptions { MaxSteps = 3, UpdateTransform = new DoublingController(2).AsTransform(), RateController = new DoublingController(2) };
        string json = JsonSerializer.Serialize(options);
        Assert.That(json, Does.Not.Contain("updateTransform").IgnoreCase.And.Not.Contain("rateController").IgnoreCase);
        Assert.Throws<NotSupportedException>(() => JsonSerializer.Serialize(new TrainingOptions { MaxSteps = 1, Schedule = new AdjustableSchedule(0.1) }),
            "a runtime schedule has no description, so it cannot be written as one");
    }

    [Test]
    public void TheBudgetCanGrowBetweenRunsButTheOptimiserIsFixed()
    {
        var data = SyntheticTask.Rank2(5).CreateSplits(40, 4, seed: 1).Train;
        using var net = Nets.Linear(5);
        var options = new TrainingOptions { LearningRate = 0.05, BatchSize = 8, MaxSteps = 3 };
        using var trainer = new Trainer(net, options);
        Assert.That(trainer.Run(data).Steps, Is.EqualTo(3));
        trainer.Options = options with { MaxSteps = 7 };
        Assert.That(trainer.Run(data).Steps, Is.EqualTo(7));
        var ex = Assert.Throws<ArgumentException>(() => trainer.Options = options with { Optimizer = OptimizerKind.Adam });
        Assert.That(ex!.Message, Does.Contain("optimiser"));
    }

    [Test]
    public void AControllersRatesComeBackAsAScheduleThatRerunsTheSameSteps()
    {
        var data = SyntheticTask.Rank2(5).CreateSplits(40, 4, seed: 1).Train;
        using var controlled = Nets.TwoLayer(5, 16, seed: 3);
        using var replayed = Nets.TwoLayer(5, 16, seed: 3);
        var options = new TrainingOptions { LearningRate = 0.01, BatchSize = 8, MaxSteps = 12, ShuffleSeed = 2 };

        var result = Trainer.Train(controlled, data, options with { RateController = new DoublingController(4) });
        var realised = (MilestoneSchedule)result.RealisedSchedule!;
        Assert.That(realised.InitialRate, Is.EqualTo(0.01));
        Assert.That(realised.Milestones, Is.EqualTo(new[] { new LearningRateMilestone(4, 0.02), new LearningRateMilestone(8, 0.04) }));

        // The realised schedule, with no controller, takes exactly the same steps.
        var replay = Trainer.Train(replayed, data, options with { Schedule = realised });
        Assert.That(replay.RealisedSchedule, Is.SameAs(realised), "without a controller the schedule is the realised one");
        foreach (var (a, b) in controlled.TrainableParameters().Zip(replayed.TrainableParameters()))
            Assert.That(a.Parameter.equal(b.Parameter).all().ToBoolean(), Is.True, a.Name);
    }

    [Test]
    public void AResumedTrainerContinuesTheRealisedSchedule()
    {
        var data = SyntheticTask.Rank2(5).CreateSplits(40, 4, seed: 1).Train;
        using var net = Nets.TwoLayer(5, 16, seed: 3);
        var options = new TrainingOptions { LearningRate = 0.01, BatchSize = 8, MaxSteps = 6, ShuffleSeed = 2, RateController = new DoublingController(4) };
        var first = (MilestoneSchedule)Trainer.Train(net, data, options).RealisedSchedule!;
        using var trainer = new Trainer(net, options with { MaxSteps = 12 });
        trainer.ResumeAt(6, null, first);
        var whole = (MilestoneSchedule)trainer.Run(data).RealisedSchedule!;
        Assert.That(whole.InitialRate, Is.EqualTo(0.01));
        Assert.That(whole.Milestones, Is.EqualTo(new[] { new LearningRateMilestone(4, 0.02), new LearningRateMilestone(8, 0.04) }),
            "the controller saw the raise before the resume and doubled from there");
    }

    [Test]
    public void AMilestoneAtTheResumeStepIsTakenAgainByTheResumedRunNotKeptTwice()
    {
        // Found by mutation testing (6 Dec 2026): keeping the milestones at or before the resume step doubled the rate
        // at step 8 twice, from a realised schedule that already held step 8's rate.
        var data = SyntheticTask.Rank2(5).CreateSplits(40, 4, seed: 1).Train;
        using var net = Nets.TwoLayer(5, 16, seed: 3);
        var options = new TrainingOptions { LearningRate = 0.01, BatchSize = 8, MaxSteps = 12, ShuffleSeed = 2, RateController = new DoublingController(4) };
        var uninterrupted = (MilestoneSchedule)Trainer.Train(net, data, options).RealisedSchedule!;
        using var trainer = new Trainer(net, options);
        trainer.ResumeAt(8, null, uninterrupted);
        var resumed = (MilestoneSchedule)trainer.Run(data).RealisedSchedule!;
        Assert.That(resumed.Milestones, Is.EqualTo(uninterrupted.Milestones));
    }

    [TestCase(0.0)]
    [TestCase(-0.02)]
    [TestCase(double.NaN)]
    [TestCase(double.PositiveInfinity)]
    public void AControllersRateThatIsNotFiniteAndPositiveEndsTheRunAsDiverged(double rate)
    {
        var data = SyntheticTask.Rank2(5).CreateSplits(40, 4, seed: 1).Train;
        using var net = Nets.TwoLayer(5, 16, seed: 3);
        var options = new TrainingOptions { LearningRate = 0.01, BatchSize = 8, MaxSteps = 8, RateController = new SwitchingController(3, rate) };
        var result = Trainer.Train(net, data, options);
        Assert.That(result.Outcome, Is.EqualTo(TrainingOutcome.Diverged));
        Assert.That(result.Steps, Is.EqualTo(3));
        Assert.That(result.Divergence!.Step, Is.EqualTo(3));
        Assert.That(result.Divergence.Reason, Does.Contain(nameof(SwitchingController)).And.Contain($"{rate:G4}").And.Contain("step 3"));
        Assert.That(result.Divergence.OffendingLoss, Is.Null, "no loss was computed at the rate");
        var realised = (MilestoneSchedule)result.RealisedSchedule!;
        Assert.That((realised.InitialRate, realised.Milestones.Count), Is.EqualTo((0.01, 0)), "the rejected rate was never used");
    }

    [Test]
    public void AScheduledRateOf0PassesThroughAControllerAndIntoTheRealisedSchedule()
    {
        var data = SyntheticTask.Rank2(5).CreateSplits(40, 4, seed: 1).Train;
        using var net = Nets.TwoLayer(5, 16, seed: 3);
        var schedule = new WarmupDecaySchedule(0.01, 2, 4);
        var options = new TrainingOptions { Schedule = schedule, BatchSize = 8, MaxSteps = 8, RateController = new PassThroughController() };
        var result = Trainer.Train(net, data, options);
        Assert.That(result.Outcome, Is.EqualTo(TrainingOutcome.BudgetReached), "the schedule's final rate 0 is no divergence");
        Assert.That(result.Steps, Is.EqualTo(8));
        var realised = (MilestoneSchedule)result.RealisedSchedule!;
        Assert.That(realised.Milestones[^1], Is.EqualTo(new LearningRateMilestone(4, 0)));
        var back = (MilestoneSchedule)JsonSerializer.Deserialize<ILearningRateSchedule>(JsonSerializer.Serialize<ILearningRateSchedule>(realised))!;
        for (int step = 0; step < 8; step++)
            Assert.That(back.LearningRateAt(step), Is.EqualTo(schedule.LearningRateAt(step)), $"step {step}");
    }

    [Test]
    public void AnAdjustableSchedulesRatesComeBackAsAScheduleThatRerunsTheSameSteps()
    {
        var data = SyntheticTask.Rank2(5).CreateSplits(40, 4, seed: 1).Train;
        using var adjusted = Nets.TwoLayer(5, 16, seed: 3);
        using var replayed = Nets.TwoLayer(5, 16, seed: 3);
        var live = new AdjustableSchedule(0.01);
        var options = new TrainingOptions { Schedule = live, BatchSize = 8, MaxSteps = 8, ShuffleSeed = 2 };
        var result = Trainer.Train(adjusted, data, options, new[] { new Adjuster(live, (3, 0.02), (6, 0.005)) });

        string json = JsonSerializer.Serialize(result.RealisedSchedule);
        var realised = (MilestoneSchedule)JsonSerializer.Deserialize<ILearningRateSchedule>(json)!;
        Assert.That(realised.InitialRate, Is.EqualTo(0.01), "the rate of the first step, not the live one at the end");
        Assert.That(realised.Milestones, Is.EqualTo(new[] { new LearningRateMilestone(3, 0.02), new LearningRateMilestone(6, 0.005) }));

        var replay = Trainer.Train(replayed, data, options with { Schedule = realised });
        Assert.That(replay.Steps, Is.EqualTo(result.Steps));
        foreach (var (a, b) in adjusted.TrainableParameters().Zip(replayed.TrainableParameters()))
            Assert.That(a.Parameter.equal(b.Parameter).all().ToBoolean(), Is.True, a.Name);
    }

    /// <summary>Sets a live schedule's rate before the given steps, as a program steering a run would.</summary>
    private sealed class Adjuster(AdjustableSchedule live, params (int Step, double Rate)[] changes) : ITrainingObserver
    {
        public void OnStepCompleted(StepRecord record, TrainingContext context)
        {
            foreach (var (step, rate) in changes)
                if (record.Step + 1 == step) live.LearningRate = rate;
        }
    }

    /// <summary>Gives the scheduled rate before step <c>from</c> and <c>rate</c> from it on.</summary>
    private sealed class SwitchingController(int from, double rate) : ILearningRateController
    {
        public double RateFor(int step, double scheduledRate, MilestoneSchedule? realisedSoFar, TrainingContext context) =>
            step < from ? scheduledRate : rate;
    }

    private sealed class PassThroughController : ILearningRateController
    {
        public double RateFor(int step, double scheduledRate, MilestoneSchedule? realisedSoFar, TrainingContext context) => scheduledRate;
    }

    /// <summary>Doubles the rate in force every <c>every</c> steps; it keeps no state, reading the raises so far from the realised schedule.</summary>
    private sealed class DoublingController(int every) : ILearningRateController
    {
        public double RateFor(int step, double scheduledRate, MilestoneSchedule? realisedSoFar, TrainingContext context)
        {
            double current = realisedSoFar?.Milestones.LastOrDefault()?.Rate ?? scheduledRate;
            return step > 0 && step % every == 0 ? 2 * current : current;
        }

        public IUpdateTransform AsTransform() => new Identity();

        private sealed class Identity : IUpdateTransform
        {
            public void Transform(StepContext step, IReadOnlyList<TorchSharp.Modules.Parameter> parameters, IReadOnlyList<TorchSharp.torch.Tensor> updates) { }
        }
    }
}
