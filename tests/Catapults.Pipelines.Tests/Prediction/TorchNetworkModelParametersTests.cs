using Catapults.ML.Models;
using Catapults.Pipelines.Prediction;
using Catapults.Pipelines.Tests.Support;
using TorchSharp;

namespace Catapults.Pipelines.Tests.Prediction;

/// <summary>
/// The raw prediction entry points of a trained network refuse what they cannot answer: no rows at all, and a single
/// input of another width than the d features the network reads (a longer one would be read in part), and a block
/// whose feature or output array is too short for rows × d or rows × O values. Found by mutation testing (6 Dec 2026;
/// round 19B).
/// </summary>
[TestFixture]
public sealed class TorchNetworkModelParametersTests : TinyRegressionModelTests
{
    [Test]
    public void ABlockOfNoRowsIsRefused()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => Model.Model.PredictRaw(new float[TestData.Dimension], 0, new float[1]));
        Assert.That(ex!.ParamName, Is.EqualTo("rows"));
    }

    [TestCase(TestData.Dimension - 1)]
    [TestCase(TestData.Dimension + 1)]
    public void AnInputOfAnotherWidthIsRefused(int width)
    {
        var ex = Assert.Throws<ArgumentException>(() => Model.Model.PredictRaw(new float[width]));
        Assert.That(ex!.Message, Does.StartWith($"The network expects {TestData.Dimension} features, got {width}."));
    }

    // "Prediction runs without gradients": and in evaluation mode, so that a layer that behaves differently in training
    // (dropout, batch statistics) predicts as the trained network does; a network built afresh, as loading does,
    // starts in training mode (mutant 17C-M27).
    [Test]
    public void TheNetworkBehindATransformerIsInEvaluationMode()
    {
        var network = new FullyConnectedNetwork(new FullyConnectedOptions { InputDimension = 3, HiddenWidths = [4], OutputCount = 1 });
        Assert.That(network.training, Is.True, "a new module starts in training mode");
        using var model = new TorchNetworkModelParameters(network, torch.CPU);
        Assert.That(model.Network.training, Is.False);
        Assert.That(Model.Model.Network.training, Is.False, "the fitted model's network too");
    }

    // PredictRaw(features, rows, outputs) reads rows × d values: a block with too few is refused by name with the
    // count it needs (mutant 19B-M16 compared the length with the number of rows, and .NET then named no parameter
    // of PredictRaw's).
    [Test]
    public void ABlockWithTooFewFeatureValuesIsRefusedByName()
    {
        var ex = Assert.Throws<ArgumentException>(() => Model.Model.PredictRaw(new float[2 * TestData.Dimension - 1], 2, new float[2]));
        Assert.That(ex!.ParamName, Is.EqualTo("features"));
        Assert.That(ex.Message, Does.StartWith($"2 rows of {TestData.Dimension} features need {2 * TestData.Dimension} values, got {2 * TestData.Dimension - 1}."));
    }

    // The same for the outputs, rows × O values: with two outputs a row, room for one value a row is refused by name
    // (mutant 19B-M55 compared the length with the number of rows, which only a one-output network cannot tell apart).
    [Test]
    public void ABlockWithTooLittleRoomForTheOutputsIsRefusedByName()
    {
        var network = new FullyConnectedNetwork(new FullyConnectedOptions { InputDimension = 3, HiddenWidths = [4], OutputCount = 2 });
        using var model = new TorchNetworkModelParameters(network, torch.CPU);
        var ex = Assert.Throws<ArgumentException>(() => model.PredictRaw(new float[2 * 3], 2, new float[3]));
        Assert.That(ex!.ParamName, Is.EqualTo("outputs"));
        Assert.That(ex.Message, Does.StartWith("2 rows of 2 outputs need room for 4 values, got 3."));
    }
}
