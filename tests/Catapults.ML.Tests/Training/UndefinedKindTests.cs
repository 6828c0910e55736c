using System.Text.Json;
using Catapults.ML.Data;
using Catapults.ML.Ensembles;
using Catapults.ML.Features;
using Catapults.ML.Models;
using Catapults.ML.Probes;
using Catapults.ML.Spectra;
using Catapults.ML.Subspaces;
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

    // Before 6 Dec 2026 the number was read (as an undefined kind, 77, or as whichever kind has the value) and refused
    // only on validation, if at all; a kind in JSON is now exactly one of its names.
    [TestCase("77")]
    [TestCase("1")]
    [TestCase("\"crossEntropy\"")]
    public void AKindInJsonThatIsNotExactlyANameIsRefusedWhenRead(string loss)
    {
        var ex = Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<TrainingOptions>($$"""{"Loss": {{loss}}, "MaxSteps": 1}"""));
        Assert.That(ex!.Path, Is.EqualTo("$.Loss"));
        Assert.That(JsonSerializer.Deserialize<TrainingOptions>("""{"Loss": "CrossEntropy", "MaxSteps": 1}""")!.Loss, Is.EqualTo(LossKind.CrossEntropy));
    }

    // Each of these had its own check, whose message named the enum's type or only the number, never the values allowed.
    private static IEnumerable<TestCaseData> UndefinedEngineOptions()
    {
        TestCaseData Case(string site, string option, string paramName, TestDelegate check) => new TestCaseData(check, option, paramName).SetArgDisplayNames(site, option);
        yield return Case("DiagnosticsOptions", "DiagnosticsOptions.CriticalRate", "CriticalRate", () => new DiagnosticsOptions { CriticalRate = (CriticalRateCadence)77 }.Validate());
        yield return Case("DominantSubspaceOptions", "DominantSubspaceOptions.Mode", "Mode", () => new DominantSubspaceOptions { Mode = (ProjectedUpdateMode)77 }.Validate());
        yield return Case("ConvolutionalOptions", "Activation", "Activation", () => new ConvolutionalOptions { Activation = (ActivationKind)77 }.Validate());
        yield return Case("ConvolutionalOptions", "Pooling", "Pooling", () => new ConvolutionalOptions { Pooling = (PoolingKind)77 }.Validate());
        yield return Case("ImageNetworkOptions", "Parameterization", "Parameterization", () => new ConvolutionalOptions { Parameterization = (Parameterization)77 }.Validate());
        yield return Case("FullyConnectedOptions", "Activation", "Activation", () => new FullyConnectedOptions { InputDimension = 2, Activation = (ActivationKind)77 }.Validate());
        yield return Case("FullyConnectedOptions", "Parameterization", "Parameterization", () => new FullyConnectedOptions { InputDimension = 2, Parameterization = (Parameterization)77 }.Validate());
        yield return Case("WideResNetOptions", "Normalization", "Normalization", () => new WideResNetOptions { Normalization = (NormalizationKind)77 }.Validate());
        yield return Case("WideResNetOptions", "Activation", "Activation", () => new WideResNetOptions { Activation = (ActivationKind)77 }.Validate());
        yield return Case("VisionTransformerOptions", "Pooling", "Pooling", () => new VisionTransformerOptions { Pooling = (TokenPooling)77 }.Validate());
        yield return Case("VisionTransformerOptions", "Activation", "Activation", () => new VisionTransformerOptions { Activation = (ActivationKind)77 }.Validate());
        yield return Case("LanczosOptions", "Which", "Which", () => new LanczosOptions { Which = (SpectrumEnd)77 }.Validate());
        yield return Case("LanczosOptions", "Mode", "Mode", () => new LanczosOptions { Mode = (EigensolverMode)77 }.Validate());
        yield return Case("NtkOptions", "Method", "Method", () => new NtkOptions { Method = (NtkMethod)77 }.Validate());
        yield return Case("AgopFeatureMapOptions", "AgopFeatureMapOptions.Kind", "Kind", () => new AgopFeatureMapOptions { Kind = (AgopFeatureMapKind)77 }.Validate());
        yield return Case("AgopFeatureMap", "AgopFeatureMapState.Kind", "state", () => AgopFeatureMap.FromState(new AgopFeatureMapState { Kind = (AgopFeatureMapKind)77 }));
        yield return Case("HessianOperator", "The loss", "loss", () =>
        {
            using var scope = torch.NewDisposeScope();
            using var net = Nets.Linear(2);
            new HessianOperator(net, torch.ones(3, 2), torch.ones(3, 1), (LossKind)77).Dispose();
        });
    }

    [TestCaseSource(nameof(UndefinedEngineOptions))]
    public void AnUndefinedOptionValueIsRefusedListingTheValues(TestDelegate check, string option, string paramName)
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(check);
        Assert.That(ex!.Message, Does.StartWith($"{option} must be one of ").And.Contain(", got 77."));
        Assert.That(ex.ParamName, Is.EqualTo(paramName));
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
