using Catapults.Pipelines.Prediction;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Catapults.Pipelines.Tests.Prediction;

/// <summary>
/// The multiclass head's contract as ML.NET's own multiclass trainers keep it: a PredictedLabel key of the label's
/// cardinality K, a Score vector of K, and key values only when there is exactly one per class.
/// Found by mutation testing (6 Dec 2026).
/// </summary>
public sealed class MulticlassHeadContractTests
{
    [TestCase(ClassificationLoss.MeanSquaredError, 2)]
    [TestCase(ClassificationLoss.CrossEntropy, 5)]
    public void TheOutputColumnsHaveTheClassCount(ClassificationLoss loss, int classes)
    {
        var head = new MulticlassHead(loss, classes, null);
        Assert.Multiple(() =>
        {
            Assert.That(head.Columns[0].Type, Is.EqualTo(new VectorDataViewType(NumberDataViewType.Single, classes)));
            Assert.That(head.Columns[1].Type, Is.EqualTo(new KeyDataViewType(typeof(uint), classes)));
        });
    }

    [Test]
    public void KeyValuesOfAnotherCountAreRefused()
    {
        Assert.Multiple(() =>
        {
            Assert.Throws<ArgumentException>(() => new MulticlassHead(ClassificationLoss.MeanSquaredError, 2, KeyValueSet.Placeholder(TextDataViewType.Instance, 3)));
            Assert.Throws<ArgumentException>(() => new MulticlassHead(ClassificationLoss.MeanSquaredError, 3, KeyValueSet.Placeholder(TextDataViewType.Instance, 2)));
            Assert.Throws<ArgumentOutOfRangeException>(() => new MulticlassHead(ClassificationLoss.CrossEntropy, 1, null));
        });
    }

    [Test]
    public void SoftmaxOfVeryNegativeLogitsIsStillADistribution()
    {
        // exp(−1000) underflows to 0 in double; softmax is shift-invariant, so these are the probabilities of (1, 0, 2).
        var z = new float[] { -1000f, -1001f, -999f };
        var p = new float[3];
        MulticlassHead.Softmax(z, p);
        double e0 = Math.Exp(-1), e1 = Math.Exp(-2), sum = e0 + e1 + 1;
        Assert.That(p, Is.EqualTo(new[] { e0 / sum, e1 / sum, 1 / sum }).Within(1e-6));
    }
}
