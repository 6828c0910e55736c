using Catapults.Pipelines.Tests.Support;

namespace Catapults.Pipelines.Tests.Prediction;

/// <summary>
/// The raw prediction entry points of a trained network refuse what they cannot answer: no rows at all, and a single
/// input of another width than the d features the network reads (a longer one would be read in part).
/// Found by mutation testing (6 Dec 2026).
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
}
