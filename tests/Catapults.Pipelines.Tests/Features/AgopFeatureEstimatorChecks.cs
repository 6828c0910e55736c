using Catapults.ML.Features;
using Catapults.Pipelines.Catalog;
using Catapults.Pipelines.Features;
using Catapults.Pipelines.Tests.Support;
using Catapults.Pipelines.Tests.Trainers;
using Catapults.Pipelines.Trainers;
using Microsoft.ML;

namespace Catapults.Pipelines.Tests.Features;

public sealed class AgopFeaturePrediction
{
    public float[] AgopFeatures { get; set; } = Array.Empty<float>();
}

/// <summary>The estimator-check harness on the AGOP feature estimator: G^½ x from a trainer it runs, and the top-2 projection of a trained network.</summary>
[TestFixture(AgopFeatureMapKind.MatrixPower)]
[TestFixture(AgopFeatureMapKind.TopEigenvectors)]
public sealed class AgopFeatureEstimatorChecks : EstimatorChecks<AgopFeatureTransformer, RegressionRow, AgopFeaturePrediction>
{
    private readonly AgopFeatureMapKind _kind;
    private TorchNetworkRegressionTransformerHolder? _network;

    public AgopFeatureEstimatorChecks(AgopFeatureMapKind kind) => _kind = kind;

    [OneTimeTearDown]
    public void DisposeNetwork() => _network?.Dispose();

    protected override IEstimator<AgopFeatureTransformer> CreateEstimator()
    {
        var trainer = Context.Regression.Trainers.TorchNetwork(Tiny.Configure(new TorchNetworkRegressionTrainer.Options()));
        if (_kind == AgopFeatureMapKind.MatrixPower) return Context.Transforms.AgopFeatures(trainer);
        _network ??= new TorchNetworkRegressionTransformerHolder(trainer.Fit(Data));
        return Context.Transforms.AgopFeatures(_network.Transformer, rank: 2);
    }

    protected override IReadOnlyList<RegressionRow> CreateRows() => TestData.Rank2(Tiny.Rows, seed: 14);
    protected override string[] OutputColumns => new[] { "AgopFeatures" };
    protected override double[][] Values(AgopFeaturePrediction p) => new[] { p.AgopFeatures.Select(v => (double)v).ToArray() };

    protected override IEnumerable<InvalidInput> InvalidInputs(IDataView valid, IReadOnlyList<RegressionRow> rows)
    {
        yield return new("missing feature column", WithoutFeatures(valid), "Feature column 'Features' was not found");
        yield return new("Double features", WithDoubleFeatures(valid), "'Features'", "known-size vector of Single");
        yield return new("variable-length features", WithVariableLengthFeatures(rows), "'Features'", "variable-length");
        yield return new("NaN feature at row 5", Context.Data.LoadFromEnumerable(Tiny.WithNaN(rows, 5, r =>
            new RegressionRow { Features = r.Features.Select((v, j) => j == 2 ? float.NaN : v).ToArray(), Label = r.Label })),
            "'Features'", "NaN", "row 5", "slot 2") { OnlyInTheData = true };
        // With a trainer as the source, 3 features are valid (the trainer fits a 3-feature network).
        if (_kind == AgopFeatureMapKind.TopEigenvectors)
        {
            var split = Context.Data.LoadFromEnumerable(TestData.Rank2Split(Tiny.Rows, seed: 15));
            var three = Context.Transforms.Concatenate("Features", "A").Fit(split).Transform(split);
            yield return new("3 features for a 6-feature network", three, "'Features'", "3 slots", "6 features") { OnlyInTheData = true };
        }
        else
        {
            // The trainer fitted first needs its label; GetOutputSchema used to pass without it (found by review).
            yield return new("missing label for the trainer", Context.Transforms.DropColumns("Label").Fit(valid).Transform(valid), "Label column 'Label' was not found");
            yield return new("Double label for the trainer", Context.Transforms.Conversion.ConvertType("Label", outputKind: Microsoft.ML.Data.DataKind.Double).Fit(valid).Transform(valid),
                "Label column 'Label'", "Single");
        }
    }

    protected override void AssertLoadedMatches(AgopFeatureTransformer original, AgopFeatureTransformer loaded)
    {
        Assert.That(loaded.State.Matrix, Is.EqualTo(original.State.Matrix), "map matrix");
        Assert.That(loaded.Eigenvalues, Is.EqualTo(original.Eigenvalues), "eigenvalues of G");
        Assert.That((loaded.Kind, loaded.InputColumnName, loaded.OutputColumnName, loaded.Source),
            Is.EqualTo((original.Kind, original.InputColumnName, original.OutputColumnName, original.Source)));
    }

    /// <summary>Keeps a network shared by the fixture's tests (the estimator only reads it).</summary>
    private sealed class TorchNetworkRegressionTransformerHolder : IDisposable
    {
        public TorchNetworkRegressionTransformerHolder(Catapults.Pipelines.Trainers.TorchNetworkRegressionTransformer t) => Transformer = t;
        public Catapults.Pipelines.Trainers.TorchNetworkRegressionTransformer Transformer { get; }
        public void Dispose() => Transformer.Dispose();
    }
}
