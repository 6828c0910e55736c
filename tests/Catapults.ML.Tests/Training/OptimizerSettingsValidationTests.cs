using Catapults.ML.Data;
using Catapults.ML.Tests.Support;
using Catapults.ML.Training;
using TorchSharp;

namespace Catapults.ML.Tests.Training;

/// <summary>
/// Optimiser settings outside their range are refused by name before training: a NaN used to surface a few steps in
/// as a "divergence" blamed on the learning rate, and other bad values as TorchSharp's "Invalid beta1: 1.5".
/// </summary>
public sealed class OptimizerSettingsValidationTests
{
    public static IEnumerable<TestCaseData> BadSettings()
    {
        yield return Case("Momentum", OptimizerKind.Momentum, new OptimizerOptions { Momentum = double.NaN }, "[0, 1)");
        yield return Case("Momentum", OptimizerKind.Momentum, new OptimizerOptions { Momentum = 1.0 }, "[0, 1)");
        yield return Case("Momentum", OptimizerKind.Momentum, new OptimizerOptions { Momentum = -0.5 }, "[0, 1)");
        yield return Case("WeightDecay", OptimizerKind.Sgd, new OptimizerOptions { WeightDecay = double.NaN }, "≥ 0");
        yield return Case("WeightDecay", OptimizerKind.Sgd, new OptimizerOptions { WeightDecay = -5 }, "≥ 0");
        yield return Case("WeightDecay", OptimizerKind.Sgd, new OptimizerOptions { WeightDecay = double.PositiveInfinity }, "≥ 0");
        yield return Case("Beta1", OptimizerKind.Adam, new OptimizerOptions { Beta1 = 1.5 }, "[0, 1)");
        yield return Case("Beta2", OptimizerKind.Adam, new OptimizerOptions { Beta2 = double.NaN }, "[0, 1)");
        yield return Case("Epsilon", OptimizerKind.Adam, new OptimizerOptions { Epsilon = double.NaN }, "positive");
        yield return Case("Epsilon", OptimizerKind.Adagrad, new OptimizerOptions { Epsilon = 0 }, "positive");
        yield return Case("RmsPropAlpha", OptimizerKind.RmsProp, new OptimizerOptions { RmsPropAlpha = -3 }, "[0, 1)");
        yield return Case("RmsPropAlpha", OptimizerKind.RmsProp, new OptimizerOptions { RmsPropAlpha = 1 }, "[0, 1)");
        // A radius of 0 would be plain SGD at twice the cost of a step, silently; the range's open end is refused.
        yield return Case("SharpnessAwareRadius", OptimizerKind.Sgd, new OptimizerOptions { SharpnessAwareRadius = 0 }, "positive");
        yield return Case("SharpnessAwareRadius", OptimizerKind.Momentum, new OptimizerOptions { SharpnessAwareRadius = -0.05 }, "positive");

        static TestCaseData Case(string setting, OptimizerKind kind, OptimizerOptions settings, string range) =>
            new TestCaseData(setting, kind, settings, range).SetArgDisplayNames(setting, kind.ToString(), settings.ToString());
    }

    [TestCaseSource(nameof(BadSettings))]
    public void ABadSettingIsRefusedByNameBeforeTraining(string setting, OptimizerKind kind, OptimizerOptions settings, string range)
    {
        using var data = new TensorDataset(torch.randn(16, 4), torch.randn(16, 1));
        using var net = Nets.TwoLayer(4, 8, seed: 1);
        var options = new TrainingOptions { Optimizer = kind, OptimizerSettings = settings, LearningRate = 0.01, BatchSize = 8, MaxSteps = 5 };
        var ex = Assert.Throws<ArgumentException>(() => Trainer.Train(net, data, options));
        Assert.That(ex!.Message, Does.StartWith($"OptimizerSettings.{setting} must be finite").And.Contain(range));
        Assert.That(ex.ParamName, Is.EqualTo($"OptimizerSettings.{setting}"));
    }

    [Test]
    public void TheDefaultsAndTheRangesEndsAreAccepted()
    {
        new OptimizerOptions().Validate();
        new OptimizerOptions { Momentum = 0, Beta1 = 0, Beta2 = 0, RmsPropAlpha = 0, WeightDecay = 0, Epsilon = double.Epsilon }.Validate();
        new OptimizerOptions { Momentum = 0.999999, Beta2 = 0.999999, WeightDecay = 1e3 }.Validate();
    }

    [Test]
    public void NullSettingsAreRefusedByName()
    {
        var ex = Assert.Throws<ArgumentException>(() => new TrainingOptions { MaxSteps = 1, OptimizerSettings = null! }.Validate());
        Assert.That(ex!.ParamName, Is.EqualTo("OptimizerSettings"));
    }

    [Test]
    public void TheOptimiserFactoryNamesItsOwnArgument()
    {
        using var net = Nets.Linear(2);
        var parameters = net.TrainableParameters().Select(p => p.Parameter);
        var ex = Assert.Throws<ArgumentException>(() => Optimizers.Create(OptimizerKind.Adam, parameters, 0.1, new OptimizerOptions { Beta1 = 1.5 }));
        Assert.That(ex!.Message, Does.StartWith("options.Beta1"));
    }
}
