using Catapults.Pipelines.Prediction;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Catapults.Pipelines.Tests.Prediction;

public class PredictionHeadTests
{
    [TestCase(new float[] { 0.5f, 0.3f, 0.2f }, new float[] { 0.5f, 0.3f, 0.2f })]
    [TestCase(new float[] { 2f, 0f, 0f }, new float[] { 1f, 0f, 0f })]
    [TestCase(new float[] { 0.6f, 0.6f, -1f }, new float[] { 0.5f, 0.5f, 0f })]
    [TestCase(new float[] { 0f, 0f, 0f, 0f }, new float[] { 0.25f, 0.25f, 0.25f, 0.25f })]
    public void SimplexProjectionOfKnownPoints(float[] v, float[] expected)
    {
        var p = new float[v.Length];
        MulticlassHead.ProjectOntoSimplex(v, p);
        Assert.That(p, Is.EqualTo(expected).Within(1e-6));
    }

    [Test]
    public void SimplexProjectionSatisfiesTheOptimalityConditionsAndKeepsTheArgMax()
    {
        var rng = new Random(7);
        for (int trial = 0; trial < 200; trial++)
        {
            int k = 2 + rng.Next(8);
            var v = Enumerable.Range(0, k).Select(_ => (float)(rng.NextDouble() * 4 - 2)).ToArray();
            var p = new float[k];
            MulticlassHead.ProjectOntoSimplex(v, p);
            Assert.That(p.Sum(), Is.EqualTo(1).Within(1e-5));
            Assert.That(p.Min(), Is.GreaterThanOrEqualTo(0));
            // KKT of min ‖p − v‖² on the simplex: v_i − p_i equals one θ where p_i > 0, and v_i ≤ θ where p_i = 0.
            var positive = Enumerable.Range(0, k).Where(i => p[i] > 0).ToList();
            double theta = v[positive[0]] - p[positive[0]];
            foreach (int i in positive) Assert.That(v[i] - p[i], Is.EqualTo(theta).Within(1e-5));
            foreach (int i in Enumerable.Range(0, k).Where(i => p[i] == 0)) Assert.That(v[i], Is.LessThanOrEqualTo(theta + 1e-5));
            Assert.That(MulticlassHead.ArgMax(p), Is.EqualTo(MulticlassHead.ArgMax(v)));
        }
    }

    [TestCase(new[] { 1f, 3f, 2f }, 2u)]
    [TestCase(new[] { 5f, 5f, 2f }, 1u)]
    [TestCase(new[] { 1f, float.NaN, 2f }, 0u)]
    [TestCase(new[] { float.NaN, float.NaN, float.NaN }, 0u)]
    public void ThePredictedKeyIsTheArgMaxOrMissingWhenAnOutputIsNaN(float[] raw, uint expected) =>
        // ML.NET's own multiclass trainers give the missing key (0) for a NaN score; the arg-max alone gave class 1.
        Assert.That(MulticlassHead.PredictedKey(raw), Is.EqualTo(expected));

    [Test]
    public void SoftmaxMatchesItsDefinitionEvenForLargeLogits()
    {
        var z = new float[] { 1000f, 1001f, 999f };
        var p = new float[3];
        MulticlassHead.Softmax(z, p);
        double e0 = Math.Exp(-1), e2 = Math.Exp(-2), sum = e0 + 1 + e2;
        Assert.That(p, Is.EqualTo(new[] { e0 / sum, 1 / sum, e2 / sum }).Within(1e-6));
    }

    [Test]
    public void BinaryScoresAndProbabilitiesFollowTheLoss()
    {
        var mse = new BinaryHead(ClassificationLoss.MeanSquaredError);
        Assert.That(mse.OutputCount, Is.EqualTo(1));
        Assert.That(mse.Score(new[] { 0.4f }), Is.EqualTo(0.4f));
        Assert.That(mse.Probability(0.4f), Is.EqualTo(0.7f).Within(1e-7));
        Assert.That(mse.Probability(-3f), Is.EqualTo(0f));
        Assert.That(mse.Probability(3f), Is.EqualTo(1f));

        var ce = new BinaryHead(ClassificationLoss.CrossEntropy);
        Assert.That(ce.OutputCount, Is.EqualTo(2));
        float score = ce.Score(new[] { 0.5f, 2f });
        Assert.That(score, Is.EqualTo(1.5f));
        // softmax over two logits equals the logistic function of their difference.
        Assert.That(ce.Probability(score), Is.EqualTo(Math.Exp(2) / (Math.Exp(0.5) + Math.Exp(2))).Within(1e-6));
    }
    [TestCase(ClassificationLoss.MeanSquaredError, new[] { 0.25f }, true)]
    [TestCase(ClassificationLoss.MeanSquaredError, new[] { 0f }, false)]
    [TestCase(ClassificationLoss.MeanSquaredError, new[] { -0.25f }, false)]
    [TestCase(ClassificationLoss.CrossEntropy, new[] { 1.5f, 1.5f }, false)]
    [TestCase(ClassificationLoss.CrossEntropy, new[] { 1.5f, 1.75f }, true)]
    public void ThePredictedLabelIsTrueOnlyForAScoreAbove0(ClassificationLoss loss, float[] raw, bool expected)
    {
        // Found by mutation testing (6 Dec 2026): a score of exactly 0 (probability 1/2) predicted true. ML.NET's binary
        // scorer predicts score > threshold, with threshold 0, so a tie is false there too.
        var head = new BinaryHead(loss);
        var getter = (ValueGetter<bool>)head.CreateGetter(2, new FixedOutput(raw));
        bool value = false;
        getter(ref value);
        Assert.That(value, Is.EqualTo(expected));
    }

    // ClassificationLoss: "Multiclass: ... Score is its Euclidean projection onto the probability simplex" for the
    // squared loss, "Score = softmax(f(x))" for cross-entropy. Both are distributions with the same arg-max, so the
    // pipeline tests could not tell them apart (mutant 19B-M03 gave each loss the other's).
    [TestCase(ClassificationLoss.MeanSquaredError)]
    [TestCase(ClassificationLoss.CrossEntropy)]
    public void TheMulticlassScoreIsTheLossesOwnDistribution(ClassificationLoss loss)
    {
        var head = new MulticlassHead(loss, 3, null);
        var getter = (ValueGetter<VBuffer<float>>)head.CreateGetter(0, new FixedOutput(new[] { 2f, 0f, 0f }));
        var score = default(VBuffer<float>);
        getter(ref score);
        double sum = Math.Exp(2) + 2;
        var expected = loss == ClassificationLoss.CrossEntropy
            ? new[] { Math.Exp(2) / sum, 1 / sum, 1 / sum }
            : new[] { 1.0, 0.0, 0.0 };
        Assert.That(score.DenseValues().ToArray(), Is.EqualTo(expected).Within(1e-6));
    }

    private sealed class FixedOutput(float[] raw) : IRawOutputSource
    {
        public ReadOnlySpan<float> Current() => raw;
    }
}
