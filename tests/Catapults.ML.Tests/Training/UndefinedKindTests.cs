using System.Text.Json;
using Catapults.ML.Data;
using Catapults.ML.Ensembles;
using Catapults.ML.Models;
using Catapults.ML.Tests.Support;
using Catapults.ML.Training;
using TorchSharp;

namespace Catapults.ML.Tests.Training;

/// <summary>
/// An enum value outside its declaration (a cast, or a number in JSON) is refused naming the option, instead of
/// training silently with another policy or failing inside the optimiser factory.
/// </summary>
public sealed class UndefinedKindTests
{
    [Test]
    public void AnUndefinedPartialBatchPolicyIsRefusedBeforeTraining()
    {
        using var data = new TensorDataset(torch.randn(20, 4), torch.randn(20, 1));
        using var net = Nets.Linear(4);
        var options = new TrainingOptions { LastPartialBatch = (PartialBatchPolicy)99, BatchSize = 8, MaxEpochs = 2 };
        var ex = Assert.Catch<ArgumentException>(() => Trainer.Train(net, data, options));
        Assert.That(ex!.Message, Does.StartWith("LastPartialBatch must be one of Drop, Keep, got 99."));
        Assert.That(ex.ParamName, Is.EqualTo(nameof(TrainingOptions.LastPartialBatch)));
    }

    [Test]
    public void UndefinedLossAndOptimiserKindsAreRefusedByName()
    {
        var ex = Assert.Catch<ArgumentException>(() => new TrainingOptions { MaxSteps = 1, Optimizer = (OptimizerKind)77 }.Validate());
        Assert.That(ex!.Message, Does.StartWith("Optimizer must be one of Sgd, Momentum, Adam, RmsProp, Adagrad, got 77."));
        ex = Assert.Catch<ArgumentException>(() => new TrainingOptions { MaxSteps = 1, Loss = (LossKind)77 }.Validate());
        Assert.That(ex!.Message, Does.StartWith("Loss must be one of MeanSquaredError, CrossEntropy, got 77."));
    }

    [Test]
    public void ANumberInJsonThatNamesNoKindIsRefusedOnValidation()
    {
        var options = JsonSerializer.Deserialize<TrainingOptions>("""{"Loss": 77, "MaxSteps": 1}""")!;
        var ex = Assert.Catch<ArgumentException>(() => options.Validate());
        Assert.That(ex!.ParamName, Is.EqualTo(nameof(TrainingOptions.Loss)));
    }

    [Test]
    public void AnUndefinedDecayKindIsRefusedByTheSchedule()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => new WarmupDecaySchedule(0.1, 2, 10, (DecayKind)77));
        Assert.That(ex!.ParamName, Is.EqualTo("decay"));
        Assert.That(ex.Message, Does.Contain("None, Linear, Cosine"));
    }

    [Test]
    public void AnEnsembleMembersUndefinedPolicyIsRefusedNamingTheMember()
    {
        var net = new NetworkDescription { Architecture = "fcn-2", Width = 8 };
        var training = new TrainingOptions { LearningRate = 0.1, BatchSize = 8, MaxSteps = 3 };
        var members = new[] { new EnsembleMember(net, training, 1), new EnsembleMember(net, training with { LastPartialBatch = (PartialBatchPolicy)99 }, 2) };
        using var ensemble = new FullyConnectedEnsemble(members, new long[] { 4 }, 1);
        var ex = Assert.Catch<ArgumentException>(() => new EnsembleTrainer(ensemble));
        Assert.That(ex!.Message, Does.StartWith("Member 1: LastPartialBatch must be one of Drop, Keep"));
    }
}
