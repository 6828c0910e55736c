using Catapults.Pipelines.Catalog;
using Catapults.Pipelines.Tests.Support;
using Catapults.Pipelines.Trainers;
using Catapults.Pipelines.Prediction;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Catapults.Pipelines.Tests.Trainers;

/// <summary>Tiny settings that keep each fit well under a second.</summary>
internal static class Tiny
{
    public const int Rows = 64;

    public static T Configure<T>(T options) where T : TorchNetworkTrainerOptions
    {
        options.Network = options.Network with { Width = 16 };
        options.Training = options.Training with { BatchSize = 16, MaxEpochs = 2, LearningRate = 0.05, ShuffleSeed = 3 };
        options.Seed = 3;
        return options;
    }

    public static List<T> WithNaN<T>(IReadOnlyList<T> rows, int row, Func<T, T> copyWithNaN) =>
        rows.Select((r, i) => i == row ? copyWithNaN(r) : r).ToList();
}

public sealed class ByteKeyRow
{
    [VectorType(TestData.Dimension)] public float[] Features { get; set; } = Array.Empty<float>();
    public byte Label { get; set; }
}

public sealed class KeyRow
{
    [VectorType(TestData.Dimension)] public float[] Features { get; set; } = Array.Empty<float>();
    public uint Label { get; set; }
}

[TestFixture]
public sealed class RegressionEstimatorChecks : EstimatorChecks<TorchNetworkRegressionTransformer, RegressionRow, RegressionPrediction>
{
    protected override IEstimator<TorchNetworkRegressionTransformer> CreateEstimator() =>
        Context.Regression.Trainers.TorchNetwork(Tiny.Configure(new TorchNetworkRegressionTrainer.Options()));

    protected override IReadOnlyList<RegressionRow> CreateRows() => TestData.Rank2(Tiny.Rows, seed: 11);
    protected override string[] OutputColumns => new[] { "Score" };
    protected override double[][] Values(RegressionPrediction p) => new[] { new double[] { p.Score } };

    protected override IEnumerable<InvalidInput> InvalidInputs(IDataView valid, IReadOnlyList<RegressionRow> rows)
    {
        yield return new("missing feature column", WithoutFeatures(valid), "Feature column 'Features' was not found");
        yield return new("Double features", WithDoubleFeatures(valid), "'Features'", "known-size vector of Single");
        yield return new("variable-length features", WithVariableLengthFeatures(rows), "'Features'", "variable-length");
        yield return new("NaN feature at row 5", Context.Data.LoadFromEnumerable(Tiny.WithNaN(rows, 5, r =>
            new RegressionRow { Features = r.Features.Select((v, j) => j == 2 ? float.NaN : v).ToArray(), Label = r.Label })),
            "'Features'", "NaN", "row 5", "slot 2") { OnlyInTheData = true };
        yield return new("infinite label at row 7", Context.Data.LoadFromEnumerable(Tiny.WithNaN(rows, 7, r =>
            new RegressionRow { Features = r.Features, Label = float.PositiveInfinity })), "'Label'", "row 7") { OnlyInTheData = true };
        yield return new("Double label", Context.Transforms.Conversion.ConvertType("Label", outputKind: DataKind.Double).Fit(valid).Transform(valid),
            "Label column 'Label'", "Single");
        yield return new("missing label", Context.Transforms.DropColumns("Label").Fit(valid).Transform(valid), "Label column 'Label' was not found");
    }
}

[TestFixture(ClassificationLoss.MeanSquaredError)]
[TestFixture(ClassificationLoss.CrossEntropy)]
public sealed class BinaryEstimatorChecks : EstimatorChecks<TorchNetworkBinaryTransformer, BinaryRow, BinaryPrediction>
{
    private readonly ClassificationLoss _loss;

    public BinaryEstimatorChecks(ClassificationLoss loss) => _loss = loss;

    protected override IEstimator<TorchNetworkBinaryTransformer> CreateEstimator()
    {
        var options = Tiny.Configure(new TorchNetworkBinaryTrainer.Options());
        options.Loss = _loss;
        return Context.BinaryClassification.Trainers.TorchNetwork(options);
    }

    protected override IReadOnlyList<BinaryRow> CreateRows() => TestData.Binary(Tiny.Rows, seed: 12);
    protected override string[] OutputColumns => new[] { "Score", "Probability", "PredictedLabel" };

    protected override double[][] Values(BinaryPrediction p) =>
        new[] { new double[] { p.Score }, new double[] { p.Probability }, new double[] { p.PredictedLabel ? 1 : 0 } };

    protected override IEnumerable<InvalidInput> InvalidInputs(IDataView valid, IReadOnlyList<BinaryRow> rows)
    {
        yield return new("missing feature column", WithoutFeatures(valid), "Feature column 'Features' was not found");
        yield return new("Double features", WithDoubleFeatures(valid), "'Features'", "known-size vector of Single");
        yield return new("variable-length features", WithVariableLengthFeatures(rows), "variable-length");
        yield return new("infinite feature at row 9", Context.Data.LoadFromEnumerable(Tiny.WithNaN(rows, 9, r =>
            new BinaryRow { Features = r.Features.Select((v, j) => j == 0 ? float.NegativeInfinity : v).ToArray(), Label = r.Label })),
            "row 9", "slot 0") { OnlyInTheData = true };
        yield return new("Single label", Context.Transforms.Conversion.ConvertType("Label", outputKind: DataKind.Single).Fit(valid).Transform(valid),
            "Label column 'Label'", "Boolean");
    }
}

[TestFixture(ClassificationLoss.MeanSquaredError)]
[TestFixture(ClassificationLoss.CrossEntropy)]
public sealed class MulticlassEstimatorChecks : EstimatorChecks<TorchNetworkMulticlassTransformer, ClassRow, MulticlassPrediction>
{
    private readonly ClassificationLoss _loss;

    public MulticlassEstimatorChecks(ClassificationLoss loss) => _loss = loss;

    protected override IEstimator<TorchNetworkMulticlassTransformer> CreateEstimator()
    {
        var options = Tiny.Configure(new TorchNetworkMulticlassTrainer.Options());
        options.Loss = _loss;
        return Context.MulticlassClassification.Trainers.TorchNetwork(options);
    }

    protected override IReadOnlyList<ClassRow> CreateRows() => TestData.Classes(Tiny.Rows, seed: 13);

    protected override IDataView ToDataView(IReadOnlyList<ClassRow> rows)
    {
        var raw = Context.Data.LoadFromEnumerable(rows);
        return Context.Transforms.Conversion.MapValueToKey("Label").Fit(raw).Transform(raw);
    }

    protected override string[] OutputColumns => new[] { "Score", "PredictedLabel" };
    protected override double[][] Values(MulticlassPrediction p) => new[] { p.Score.Select(v => (double)v).ToArray(), new double[] { p.PredictedLabel } };

    protected override IEnumerable<InvalidInput> InvalidInputs(IDataView valid, IReadOnlyList<ClassRow> rows)
    {
        yield return new("missing feature column", WithoutFeatures(valid), "Feature column 'Features' was not found");
        yield return new("Double features", WithDoubleFeatures(valid), "known-size vector of Single");
        yield return new("text label, not a key", Context.Data.LoadFromEnumerable(rows), "Label column 'Label'", "key", "MapValueToKey");
        // LoadFromEnumerable takes key values from 0 (it stores value + 1) and stores a value beyond the count as missing (0).
        var keyRows = rows.Select((r, i) => new KeyRow { Features = r.Features, Label = (uint)(i % 3) }).ToList();
        yield return new("key with one value", KeyView(keyRows, 1), "Label column 'Label'", "1 value", "at least 2 classes") { OnlyInTheData = true };
        // GetOutputSchema used to accept a Byte key that Fit then refused (found by review).
        var byteKeys = Context.Data.LoadFromEnumerable(rows.Select((r, i) => new ByteKeyRow { Features = r.Features, Label = (byte)(i % 3) }).ToList(),
            ByteKeyDefinition(3));
        yield return new("Byte key label", byteKeys, "Label column 'Label'", "UInt32 key");
        keyRows[3] = new KeyRow { Features = rows[3].Features, Label = 7 };
        yield return new("missing key at row 3", KeyView(keyRows, 3), "'Label'", "missing key", "row 3") { OnlyInTheData = true };
        yield return new("NaN feature at row 4", ToDataView(Tiny.WithNaN(rows, 4, r =>
            new ClassRow { Features = r.Features.Select((v, j) => j == 1 ? float.NaN : v).ToArray(), Label = r.Label })), "row 4", "slot 1") { OnlyInTheData = true };
    }

    [Test]
    public void ARowWithANaNFeaturePredictsTheMissingKey()
    {
        // Scoring does not check values (as ML.NET's trainers), so the row's scores are NaN; its label is then missing
        // (key 0), as SdcaMaximumEntropy gives, not the first class.
        var rows = Tiny.WithNaN(Rows, 2, r => new ClassRow { Features = r.Features.Select((v, j) => j == 0 ? float.NaN : v).ToArray(), Label = r.Label });
        var keys = TestData.Column(Fitted.Transform(ToDataView(rows)), "PredictedLabel").Select(k => k[0]).ToList();
        Assert.That(keys[2], Is.EqualTo(0), "the NaN row");
        Assert.That(keys.Where((_, i) => i != 2), Has.All.GreaterThan(0), "the other rows");
    }

    private static SchemaDefinition ByteKeyDefinition(int count)
    {
        var definition = SchemaDefinition.Create(typeof(ByteKeyRow));
        definition["Label"].ColumnType = new KeyDataViewType(typeof(byte), count);
        return definition;
    }

    private IDataView KeyView(IReadOnlyList<KeyRow> rows, int count)
    {
        var definition = SchemaDefinition.Create(typeof(KeyRow));
        definition["Label"].ColumnType = new KeyDataViewType(typeof(uint), count);
        return Context.Data.LoadFromEnumerable(rows, definition);
    }
}
