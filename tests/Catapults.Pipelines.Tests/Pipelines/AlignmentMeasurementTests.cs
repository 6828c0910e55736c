using Catapults.ML.Features;
using Catapults.Pipelines.Catalog;
using Catapults.Pipelines.Tests.Support;
using Catapults.Pipelines.Trainers;
using Microsoft.ML;
using TorchSharp;

namespace Catapults.Pipelines.Tests.Pipelines;

/// <summary>
/// EvaluateWithAlignment's AGOP alignment against a cosine computed here from autograd gradients, its refusal of a model
/// without a network, and the binary and multiclass evaluators' default row cap. Found by mutation testing (round 25A).
/// </summary>
public sealed class AlignmentMeasurementTests
{
    private readonly MLContext _ml = new(seed: 1);

    // A fixed G* that is neither diagonal nor of the network's shape, so that a cosine against another matrix, or over
    // other rows, would differ.
    private static double[,] Reference()
    {
        var m = new double[TestData.Dimension, TestData.Dimension];
        m[0, 0] = 2; m[1, 1] = 1; m[0, 1] = m[1, 0] = 0.5; m[2, 2] = 0.25; m[4, 4] = 1;
        return m;
    }

    private TorchNetworkRegressionTransformer Regression(IDataView train) => _ml.Regression.Trainers.TorchNetwork(new TorchNetworkRegressionTrainer.Options
    {
        Network = new() { Width = 16 }, Seed = 4, Training = new() { BatchSize = 16, LearningRate = 0.05, MaxSteps = 3, ShuffleSeed = 1 },
    }).Fit(train);

    // cos(G, G*) = ⟨G, G*⟩_F / (‖G‖_F ‖G*‖_F) with G = 1/n Σᵢ ∇f(xᵢ)∇f(xᵢ)ᵀ over the first maximumAgopRows rows: the
    // per-row gradients come from one autograd call (the rows of an fcn do not interact), the rest is done in doubles.
    [Test]
    public void TheAlignmentIsTheCosineOfTheNetworksAgopOverTheFirstRowsWithTheReference()
    {
        var rows = TestData.Rank2(40, seed: 52);
        using var network = Regression(_ml.Data.LoadFromEnumerable(TestData.Rank2(64, seed: 51)));
        var result = _ml.Regression.EvaluateWithAlignment(network, _ml.Data.LoadFromEnumerable(rows), ReferenceAgop.OfMatrix(Reference()), maximumAgopRows: 25);

        const int n = 25, d = TestData.Dimension;
        var g = new double[d, d];
        using (var scope = torch.NewDisposeScope())
        {
            var x = torch.tensor(rows.Take(n).SelectMany(r => r.Features).ToArray(), new long[] { n, d }).requires_grad_(true);
            var y = network.Model.Network.forward(x).sum();
            var grad = torch.autograd.grad(new[] { y }, new[] { x })[0].to_type(torch.ScalarType.Float64);
            var values = grad.data<double>().ToArray();
            for (int i = 0; i < n; i++)
                for (int a = 0; a < d; a++)
                    for (int b = 0; b < d; b++)
                        g[a, b] += values[i * d + a] * values[i * d + b] / n;
        }
        var reference = Reference();
        double dot = 0, gg = 0, rr = 0;
        for (int a = 0; a < d; a++)
            for (int b = 0; b < d; b++)
            {
                dot += g[a, b] * reference[a, b];
                gg += g[a, b] * g[a, b];
                rr += reference[a, b] * reference[a, b];
            }
        double expected = dot / Math.Sqrt(gg * rr);

        Assert.That(result.AgopRowCount, Is.EqualTo(n));
        Assert.That(expected, Is.InRange(0.05, 0.999), "a reference the network is neither orthogonal nor equal to");
        Assert.That(result.AgopAlignment, Is.EqualTo(expected).Within(1e-5));
    }

    // "evaluate a model whose last trainer is a TorchNetwork trainer": a model of ML.NET transformers alone is refused by
    // name, before any scoring (without the check, the lookup failed with an index out of range).
    [Test]
    public void AModelWithoutANetworkIsRefusedWithTheModelNamed()
    {
        var data = _ml.Data.LoadFromEnumerable(TestData.Rank2(8, seed: 53));
        var model = _ml.Transforms.CopyColumns("Copy", "Features").Fit(data);
        var ex = Assert.Throws<ArgumentException>(() => _ml.Regression.EvaluateWithAlignment(model, data, ReferenceAgop.OfMatrix(Reference())));
        Assert.That(ex!.ParamName, Is.EqualTo("model"));
        Assert.That(ex.Message, Does.StartWith($"The model ({model.GetType().Name}) holds no Catapults.NET network transformer, so there is no network AGOP to align;"));
    }

    // No rows, no AGOP: the refusal says what the rows were for.
    [Test]
    public void DataWithoutRowsIsRefusedForTheAgopAlignment()
    {
        using var network = Regression(_ml.Data.LoadFromEnumerable(TestData.Rank2(32, seed: 58)));
        var empty = _ml.Data.LoadFromEnumerable(TestData.Rank2(0, seed: 59));
        var ex = Assert.Throws<ArgumentException>(() => _ml.Regression.EvaluateWithAlignment(network, empty, ReferenceAgop.OfMatrix(Reference())));
        Assert.That(ex!.Message, Does.StartWith("The data for the AGOP alignment has no rows."));
    }

    // labelColumnName reaches ML.NET's regression evaluator: with the label renamed and "Label" dropped, the metrics are
    // ML.NET's own on the named column (an evaluation of "Label" could not find its label).
    [Test]
    public void TheRegressionEvaluatorReadsTheNamedLabelColumn()
    {
        var train = TestData.WithLabelNamed(_ml, _ml.Data.LoadFromEnumerable(TestData.Rank2(64, seed: 60)), "Target");
        var test = TestData.WithLabelNamed(_ml, _ml.Data.LoadFromEnumerable(TestData.Rank2(32, seed: 61)), "Target");
        using var network = _ml.Regression.Trainers.TorchNetwork(new TorchNetworkRegressionTrainer.Options
        {
            LabelColumnName = "Target", Network = new() { Width = 16 }, Seed = 4,
            Training = new() { BatchSize = 16, LearningRate = 0.05, MaxSteps = 3, ShuffleSeed = 1 },
        }).Fit(train);
        var result = _ml.Regression.EvaluateWithAlignment(network, test, ReferenceAgop.OfMatrix(Reference()), labelColumnName: "Target");
        var expected = _ml.Regression.Evaluate(network.Transform(test), "Target");
        Assert.That(result.Metrics.MeanSquaredError, Is.EqualTo(expected.MeanSquaredError));
        Assert.That(result.Metrics.RSquared, Is.EqualTo(expected.RSquared));
    }

    // The binary and multiclass evaluators' maximumAgopRows also defaults to 4096: 1100 rows are all read.
    [Test]
    public void TheClassificationEvaluatorsReadEveryRowUpTo4096ByDefault()
    {
        using var binary = _ml.BinaryClassification.Trainers.TorchNetwork(new TorchNetworkBinaryTrainer.Options
        {
            Network = new() { Width = 8 }, Seed = 2, Training = new() { BatchSize = 32, MaxSteps = 1, LearningRate = 0.1, ShuffleSeed = 2 },
        }).Fit(_ml.Data.LoadFromEnumerable(TestData.Binary(64, seed: 54)));
        var binaryTest = _ml.Data.LoadFromEnumerable(TestData.Binary(1100, seed: 55));
        Assert.That(_ml.BinaryClassification.EvaluateWithAlignment(binary, binaryTest, ReferenceAgop.OfMatrix(Reference())).AgopRowCount, Is.EqualTo(1100));

        var keyed = _ml.Transforms.Conversion.MapValueToKey("Label").Fit(_ml.Data.LoadFromEnumerable(TestData.Classes(64, seed: 56)));
        using var multiclass = _ml.MulticlassClassification.Trainers.TorchNetwork(new TorchNetworkMulticlassTrainer.Options
        {
            Network = new() { Width = 8 }, Seed = 3, Training = new() { BatchSize = 32, MaxSteps = 1, LearningRate = 0.1, ShuffleSeed = 3 },
        }).Fit(keyed.Transform(_ml.Data.LoadFromEnumerable(TestData.Classes(64, seed: 56))));
        var classTest = keyed.Transform(_ml.Data.LoadFromEnumerable(TestData.Classes(1100, seed: 57)));
        Assert.That(_ml.MulticlassClassification.EvaluateWithAlignment(multiclass, classTest, ReferenceAgop.OfMatrix(Reference())).AgopRowCount, Is.EqualTo(1100));
    }
}
