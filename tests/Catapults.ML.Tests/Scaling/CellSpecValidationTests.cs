using Catapults.ML.Data;
using Catapults.ML.Scaling;
using Catapults.ML.Training;

namespace Catapults.ML.Tests.Scaling;

/// <summary>
/// The bounds <see cref="FeatureStrengthCellSpec.Validate"/> states, at their edges: the rank-4 task reads four input
/// coordinates, the online-loss window is a fraction in (0, 1], and the divergence factor is a multiple above 1 of the
/// first batch loss. Found by mutation testing (round 19C): moving any of these edges passed every test.
/// </summary>
[TestFixture]
public sealed class CellSpecValidationTests
{
    private static ArgumentException Refused(FeatureStrengthCellSpec spec) => Assert.Throws<ArgumentException>(spec.Validate)!;

    [Test]
    public void TheRankFourTaskNeedsFourInputs()
    {
        var ex = Refused(new FeatureStrengthCellSpec { Task = SyntheticTaskKind.Rank4, InputDimension = 3 });
        Assert.That(ex.ParamName, Is.EqualTo(nameof(FeatureStrengthCellSpec.InputDimension)));
        Assert.That(ex.Message, Does.StartWith("InputDimension must be at least 4 for Rank4, got 3."));
        Assert.DoesNotThrow(new FeatureStrengthCellSpec { Task = SyntheticTaskKind.Rank4, InputDimension = 4 }.Validate);
        Assert.DoesNotThrow(new FeatureStrengthCellSpec { Task = SyntheticTaskKind.Rank2, InputDimension = 2 }.Validate);
    }

    [Test]
    public void AnOnlineLossWindowOfTheWholeRunIsAllowed()
    {
        Assert.DoesNotThrow(new FeatureStrengthCellSpec { OnlineLossWindow = 1 }.Validate);
        foreach (double window in new[] { 0.0, 1.5, double.NaN })
            Assert.That(Refused(new FeatureStrengthCellSpec { OnlineLossWindow = window }).ParamName,
                Is.EqualTo(nameof(FeatureStrengthCellSpec.OnlineLossWindow)), $"window {window}");
    }

    [Test]
    public void ADivergenceFactorMustLieAboveOne()
    {
        // A factor of 1 or less would take any batch loss above the first one, an ordinary fluctuation, for divergence.
        foreach (double factor in new[] { 1.0, 0.5, double.NaN })
        {
            var ex = Refused(new FeatureStrengthCellSpec { Training = FeatureStrengthCellSpec.DefaultTraining with { DivergenceFactor = factor } });
            Assert.That(ex.ParamName, Is.EqualTo(nameof(TrainingOptions.DivergenceFactor)), $"factor {factor}");
        }
        Assert.DoesNotThrow(new FeatureStrengthCellSpec { Training = FeatureStrengthCellSpec.DefaultTraining with { DivergenceFactor = 1.5 } }.Validate);
    }

    // The embedded training must describe an online cell: the square loss the γ rules are derived for, a budget in
    // steps (an online stream has no epochs) and a batch of fresh samples.
    [Test]
    public void TheTrainingMustBeAnOnlineSquareLossRunWithAStepBudgetAndABatch()
    {
        var crossEntropy = Refused(new FeatureStrengthCellSpec { Training = FeatureStrengthCellSpec.DefaultTraining with { Loss = LossKind.CrossEntropy } });
        Assert.That((crossEntropy.ParamName, crossEntropy.Message), Is.EqualTo(("Training",
            "Training.Loss must be MeanSquaredError (the γ scaling rules are the square loss's), got CrossEntropy. (Parameter 'Training')")));
        var epochs = Refused(new FeatureStrengthCellSpec { Training = FeatureStrengthCellSpec.DefaultTraining with { MaxSteps = null, MaxEpochs = 3 } });
        Assert.That(epochs.Message, Does.StartWith("Training.MaxSteps must be at least 1 (online training has no epochs), got null."));
        Assert.That(Refused(new FeatureStrengthCellSpec().WithSteps(0)).Message, Does.StartWith("Training.MaxSteps must be at least 1 (online training has no epochs), got 0."));
        Assert.DoesNotThrow(new FeatureStrengthCellSpec().WithSteps(1).Validate);
        var batch = Refused(new FeatureStrengthCellSpec { Training = FeatureStrengthCellSpec.DefaultTraining with { BatchSize = null } });
        Assert.That(batch.Message, Does.StartWith("Training.BatchSize must be given: the fresh samples per step."));
        Assert.That(Refused(new FeatureStrengthCellSpec { Training = null! }).ParamName, Is.EqualTo("Training"));
    }

    // The embedded network must be a fully connected one with features: fcn-2 or deeper.
    [Test]
    public void TheNetworkMustBeFullyConnectedWithAHiddenLayer()
    {
        Assert.That(Refused(new FeatureStrengthCellSpec { Network = FeatureStrengthCellSpec.DefaultNetwork with { Architecture = "cnn-3" } }).Message,
            Does.StartWith("Network must be fully connected (fcn-L), got cnn-3."));
        Assert.That(Refused(new FeatureStrengthCellSpec { Network = FeatureStrengthCellSpec.DefaultNetwork with { Architecture = "fcn-1" } }).Message,
            Does.StartWith("Network must have at least one hidden layer (fcn-2 or deeper"));
        Assert.That(Refused(new FeatureStrengthCellSpec { Network = FeatureStrengthCellSpec.DefaultNetwork with { Width = 0 } }).Message,
            Does.StartWith("NetworkDescription.Width must be at least 1"));
        Assert.That(Refused(new FeatureStrengthCellSpec { Network = null! }).ParamName, Is.EqualTo("Network"));
        Assert.DoesNotThrow(new FeatureStrengthCellSpec { Network = FeatureStrengthCellSpec.DefaultNetwork with { Architecture = "fcn-4", Width = 8 } }.Validate);
    }
}
