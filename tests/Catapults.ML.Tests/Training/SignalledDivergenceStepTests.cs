using Catapults.ML.Tests.Support;
using Catapults.ML.Training;
using TorchSharp;

namespace Catapults.ML.Tests.Training;

/// <summary>
/// Found by mutation testing (round 11A): a <see cref="NonFiniteValueException"/> that names its step sets the step of
/// the divergence, also when that is not the trainer's current step (a probe that measured w_t reports t after the
/// update to w_{t+1}). The existing signal named the current step, so a trainer that ignored the named one passed.
/// </summary>
public sealed class SignalledDivergenceStepTests
{
    // Throws after step `at` completed, naming that step: the weights it measured were those of step `at`.
    private sealed class MeasuredAt(int at) : ITrainingObserver
    {
        public void OnStepCompleted(StepRecord record, TrainingContext context)
        {
            if (record.Step == at) throw new NonFiniteValueException(record.Step, "the sharpness is not finite");
        }
    }

    private sealed class FinalAt(int step) : ITrainingObserver
    {
        public void OnTrainingCompleted(TrainingResult result, TrainingContext context) =>
            throw new NonFiniteValueException(step, "the final spectrum is not finite");
    }

    [Test]
    public void TheStepASignalNamesIsTheDivergenceStep()
    {
        using var scope = torch.NewDisposeScope();
        using var data = DivergenceSignalTests.Data();
        using var net = Nets.Linear(4, bias: true);
        var result = Trainer.Train(net, data, new TrainingOptions { LearningRate = 0.01, MaxSteps = 10 }, new[] { new MeasuredAt(3) });
        Assert.That(result.Outcome, Is.EqualTo(TrainingOutcome.Diverged));
        Assert.That(result.Steps, Is.EqualTo(4), "step 3's update was made before the observer spoke");
        Assert.That(result.Divergence!.Step, Is.EqualTo(3));
        Assert.That(result.Divergence.Reason, Is.EqualTo("the sharpness is not finite"));
    }

    [Test]
    public void TheStepAFinalSignalNamesIsTheDivergenceStep()
    {
        using var scope = torch.NewDisposeScope();
        using var data = DivergenceSignalTests.Data();
        using var net = Nets.Linear(4, bias: true);
        var result = Trainer.Train(net, data, new TrainingOptions { LearningRate = 0.01, MaxSteps = 4 }, new[] { new FinalAt(2) });
        Assert.That(result.Outcome, Is.EqualTo(TrainingOutcome.Diverged));
        Assert.That(result.Divergence!.Step, Is.EqualTo(2));
    }
}
