using Catapults.ML.Training;

namespace Catapults.ML.Tests.Training;

/// <summary>
/// Found by mutation testing (round 15C): the values at the edge of TrainingOptions' documented ranges that are valid.
/// A budget of 0 epochs and a target loss of 0 are "≥ 0", and the learning rate is checked only "when no Schedule is
/// given"; checks that refused them left the suite green.
/// </summary>
public sealed class TrainingOptionsBoundaryTests
{
    [Test]
    public void ABudgetOfZeroEpochsIsValid() =>
        Assert.DoesNotThrow(() => new TrainingOptions { MaxEpochs = 0 }.Validate());

    // A budget of 0 steps runs no update: how a probe measures the initial weights alone.
    [Test]
    public void ABudgetOfZeroStepsIsValid() =>
        Assert.DoesNotThrow(() => new TrainingOptions { MaxSteps = 0 }.Validate());

    [Test]
    public void ATargetLossOfZeroIsValid() =>
        Assert.DoesNotThrow(() => new TrainingOptions { MaxSteps = 1, TargetLoss = 0 }.Validate());

    [TestCase(0.0)]
    [TestCase(double.NaN)]
    public void TheLearningRateIsNotCheckedWhenAScheduleSetsTheRates(double unused) =>
        Assert.DoesNotThrow(() => new TrainingOptions { MaxSteps = 1, LearningRate = unused, Schedule = new ConstantSchedule(0.1) }.Validate());

    [Test]
    public void WithoutAScheduleALearningRateOfZeroIsRefusedByName()
    {
        var ex = Assert.Throws<ArgumentException>(() => new TrainingOptions { MaxSteps = 1, LearningRate = 0 }.Validate());
        Assert.That(ex!.ParamName, Is.EqualTo(nameof(TrainingOptions.LearningRate)));
    }

    // Validate is all that the ML.NET trainers' options and a run configuration get before any data exist, so a batch of
    // no samples must be refused there by the option's own name, not later by a batch source under its argument name.
    [TestCase(0)]
    [TestCase(-3)]
    public void ABatchOfNoSamplesIsRefusedByNameWithoutADataset(int batch)
    {
        var ex = Assert.Throws<ArgumentException>(() => new TrainingOptions { MaxSteps = 1, BatchSize = batch }.Validate());
        Assert.That(ex!.ParamName, Is.EqualTo(nameof(TrainingOptions.BatchSize)));
        Assert.That(ex.Message, Does.StartWith("BatchSize must be at least 1"));
        Assert.DoesNotThrow(() => new TrainingOptions { MaxSteps = 1, BatchSize = 1 }.Validate());
    }

    // "BatchSize ... larger than the training set" is refused; a batch of the whole set is full-batch GD.
    [Test]
    public void ABatchOfTheWholeTrainingSetIsValid()
    {
        Assert.DoesNotThrow(() => new TrainingOptions { MaxSteps = 1, BatchSize = 10 }.Validate(datasetSize: 10));
        var ex = Assert.Throws<ArgumentException>(() => new TrainingOptions { MaxSteps = 1, BatchSize = 11 }.Validate(datasetSize: 10));
        Assert.That(ex!.ParamName, Is.EqualTo(nameof(TrainingOptions.BatchSize)));
    }
}
