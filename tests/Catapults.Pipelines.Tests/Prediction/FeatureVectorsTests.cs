using Catapults.Pipelines.Prediction;
using Microsoft.ML.Data;

namespace Catapults.Pipelines.Tests.Prediction;

/// <summary>
/// Copying feature vectors into flat buffers: a vector of another size is refused naming both sizes, and the checked copy
/// refuses infinities as well as NaNs, naming the row and slot. Found by mutation testing (round 34B).
/// </summary>
[TestFixture]
public sealed class FeatureVectorsTests
{
    [Test]
    public void ADenseVectorShorterThanTheBufferIsRefusedNamingBothSizes()
    {
        var source = new VBuffer<float>(2, new[] { 1f, 2f });
        var destination = new float[3];
        var ex = Assert.Throws<InvalidOperationException>(() => FeatureVectors.CopyDense(in source, destination));
        Assert.That(ex!.Message, Does.Contain("2 slots where 3 were expected"));
    }

    [TestCase(float.PositiveInfinity)]
    [TestCase(float.NegativeInfinity)]
    [TestCase(float.NaN)]
    public void TheCheckedCopyRefusesAValueThatIsNotFinite(float bad)
    {
        var source = new VBuffer<float>(3, new[] { 1f, bad, 2f });
        var destination = new float[3];
        var ex = Assert.Throws<ArgumentException>(() =>
            FeatureVectors.CopyFinite(in source, destination, "Feature column 'Features'", 4, "training", "data"));
        Assert.That(ex!.Message, Does.Contain("at row 4 (counted from 0), slot 1"));
        Assert.That(ex.ParamName, Is.EqualTo("data"));
    }

    [Test]
    public void TheCheckedCopyOfFiniteValuesCopiesThem()
    {
        var source = new VBuffer<float>(3, 1, new[] { 5f }, new[] { 2 });
        var destination = new[] { 9f, 9f, 9f };
        FeatureVectors.CopyFinite(in source, destination, "Feature column 'Features'", 0, "training", "data");
        Assert.That(destination, Is.EqualTo(new[] { 0f, 0f, 5f }));
    }
}
