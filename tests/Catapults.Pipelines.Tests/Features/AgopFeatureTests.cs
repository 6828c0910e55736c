using Catapults.ML.Features;
using Catapults.ML.Models;
using Catapults.Pipelines.Catalog;
using Catapults.Pipelines.Features;
using Catapults.Pipelines.Tests.Support;
using Microsoft.ML;
using TorchSharp;

namespace Catapults.Pipelines.Tests.Features;

public class AgopFeatureTests
{
    private readonly MLContext _ml = new(seed: 1);

    /// <summary>f(x) = wᵀx / √d (NTK linear, no bias) has G = w wᵀ / d (the AGOP of a linear map is its weights' outer product), so trace-normalised G = ŵŵᵀ.</summary>
    private static (FullyConnectedNetwork Model, double[] UnitW) Linear(int d)
    {
        var model = new FullyConnectedNetwork(new FullyConnectedOptions
        {
            InputDimension = d, HiddenWidths = Array.Empty<int>(), UseBias = false, Activation = ActivationKind.Identity, Seed = 5,
        });
        var w = model.Layers[0].Weight.detach().to_type(torch.ScalarType.Float64).data<double>().ToArray();
        double norm = Math.Sqrt(w.Sum(v => v * v));
        return (model, w.Select(v => v / norm).ToArray());
    }

    [Test]
    public void MatrixPowerAndTopProjectionOfALinearModelMatchTheClosedForm()
    {
        var (model, u) = Linear(TestData.Dimension);
        using var _ = model;
        var rows = TestData.Rank2(32, seed: 41);
        var data = _ml.Data.LoadFromEnumerable(rows);
        // Trace-normalised G = ûûᵀ is a projection, so G^½ = ûûᵀ: y = û (ûᵀx). The top-1 projection is ±ûᵀx.
        using var half = _ml.Transforms.AgopFeatures(new AgopFeatureEstimator.Options { Model = model }).Fit(data);
        using var top = _ml.Transforms.AgopFeatures(new AgopFeatureEstimator.Options { Model = model, Map = { Kind = AgopFeatureMapKind.TopEigenvectors, Rank = 1 }, OutputColumnName = "Top" }).Fit(data);
        Assert.That(half.Eigenvalues[0], Is.EqualTo(1).Within(1e-5));
        Assert.That(half.Eigenvalues.Skip(1).Max(), Is.LessThan(1e-5));
        var halfOut = TestData.Column(half.Transform(data), "AgopFeatures");
        var topOut = TestData.Column(top.Transform(data), "Top");
        double sign = 0;
        for (int i = 0; i < rows.Count; i++)
        {
            double proj = rows[i].Features.Select((x, j) => x * u[j]).Sum();
            for (int j = 0; j < u.Length; j++)
                // Float32 gradients leave the zero eigenvalues of G at ~1e-8, whose square roots are ~1e-4.
                Assert.That(halfOut[i][j], Is.EqualTo(u[j] * proj).Within(1e-3), $"G^½ x, row {i}, slot {j}");
            Assert.That(topOut[i], Has.Length.EqualTo(1));
            if (sign == 0 && Math.Abs(proj) > 0.1) sign = Math.Sign(topOut[i][0] * proj);
            if (sign != 0) Assert.That(topOut[i][0], Is.EqualTo(sign * proj).Within(1e-4), $"top-1 projection, row {i}");
        }
        Assert.That(sign, Is.Not.Zero);
        // The input columns are kept.
        Assert.That(TestData.Column(half.Transform(data), "Features")[3], Is.EqualTo(rows[3].Features.Select(v => (double)v)));
    }

    [Test]
    public void AnAgopFeatureTransformerInsideAChainRoundTripsThroughTheArchive()
    {
        var data = _ml.Data.LoadFromEnumerable(TestData.Rank2(64, seed: 42));
        var trainer = _ml.Regression.Trainers.TorchNetwork(Catapults.Pipelines.Tests.Trainers.Tiny.Configure(new Catapults.Pipelines.Trainers.TorchNetworkRegressionTrainer.Options()));
        var pipeline = _ml.Transforms.NormalizeMeanVariance("Features")
            .Append(_ml.Transforms.AgopFeatures(trainer, rank: 2))
            .Append(_ml.Transforms.Concatenate("Both", "Features", "AgopFeatures"));
        var model = pipeline.Fit(data);
        using var stream = new MemoryStream();
        _ml.Model.SaveCatapultsModel(model, data.Schema, stream);
        stream.Position = 0;
        var loaded = _ml.Model.LoadCatapultsModel(stream, out _);
        Assert.That(TestData.Column(loaded.Transform(data), "Both"), Is.EqualTo(TestData.Column(model.Transform(data), "Both")));
        Assert.That(((IEnumerable<ITransformer>)loaded).OfType<AgopFeatureTransformer>().Single().OutputDimension, Is.EqualTo(2));

        // ML.NET's own Save refuses, pointing to the right API.
        var ex = Assert.Throws<NotSupportedException>(() => _ml.Model.Save(model, data.Schema, new MemoryStream()));
        Assert.That(ex!.Message, Does.Contain("SaveCatapultsModel"));
        foreach (var t in model) (t as IDisposable)?.Dispose();
        foreach (var t in (IEnumerable<ITransformer>)loaded) (t as IDisposable)?.Dispose();
    }

    [Test]
    public void AReaderRejectsAnUnknownElementTypeByName()
    {
        var (model, _) = Linear(TestData.Dimension);
        using var __ = model;
        var data = _ml.Data.LoadFromEnumerable(TestData.Rank2(16, seed: 43));
        using var transformer = _ml.Transforms.AgopFeatures(new AgopFeatureEstimator.Options { Model = model }).Fit(data);
        using var stream = new MemoryStream();
        transformer.Save(stream);
        // Rewrite the manifest as a later writer might: a new element type.
        using (var zip = new System.IO.Compression.ZipArchive(stream, System.IO.Compression.ZipArchiveMode.Update, leaveOpen: true))
        {
            var entry = zip.GetEntry("manifest.json")!;
            string text;
            using (var reader = new StreamReader(entry.Open())) text = reader.ReadToEnd();
            Assert.That(text, Does.Contain("\"agop-features\""));
            entry.Delete();
            using var writer = new StreamWriter(zip.CreateEntry("manifest.json").Open());
            writer.Write(text.Replace("\"agop-features\"", "\"kernel-features\""));
        }
        stream.Position = 0;
        var ex = Assert.Throws<InvalidDataException>(() => AgopFeatureTransformer.Load(stream));
        Assert.That(ex!.Message, Does.Contain("'kernel-features'").And.Contain("cannot load"));
    }

    [Test]
    public void OptionsNameTheirProblem()
    {
        var ex = Assert.Throws<ArgumentException>(() => _ml.Transforms.AgopFeatures(new AgopFeatureEstimator.Options()));
        Assert.That(ex!.Message, Does.Contain("Network, Trainer and Model"));
        var (model, _) = Linear(TestData.Dimension);
        using var __ = model;
        ex = Assert.Throws<ArgumentException>(() => _ml.Transforms.AgopFeatures(new AgopFeatureEstimator.Options { Model = model, Map = { Power = -1 } }));
        Assert.That(ex!.Message, Does.Contain("Power"));
        var data = _ml.Data.LoadFromEnumerable(TestData.Rank2(16, seed: 44));
        ex = Assert.Throws<ArgumentException>(() => _ml.Transforms.AgopFeatures(new AgopFeatureEstimator.Options
            { Model = model, Map = { Kind = AgopFeatureMapKind.TopEigenvectors, Rank = 7 } }).Fit(data));
        Assert.That(ex!.Message, Does.Contain("Rank 7").And.Contain("6 slots"));
        Assert.That(ex.ParamName, Is.EqualTo("input"), "Fit's own parameter, not GetOutputSchema's");
    }

    // Options.Map.NormalizeTrace = false fits G itself: for f(x) = wᵀx / √d that is w wᵀ / d, whose one non-zero eigenvalue
    // is ‖w‖² / d, where the default (true) gives 1 (mutant 19B-M30 normalised the trace whatever was asked).
    [TestCase(false)]
    [TestCase(true)]
    public void TheEigenvaluesAreThoseOfGOrOfGOverItsTraceAsAsked(bool normalizeTrace)
    {
        var (model, _) = Linear(TestData.Dimension);
        using (model)
        {
            var w = model.Layers[0].Weight.detach().to_type(torch.ScalarType.Float64).data<double>().ToArray();
            double top = normalizeTrace ? 1 : w.Sum(v => v * v) / TestData.Dimension;
            var data = _ml.Data.LoadFromEnumerable(TestData.Rank2(16, seed: 49));
            using var map = _ml.Transforms.AgopFeatures(new AgopFeatureEstimator.Options { Model = model, Map = { NormalizeTrace = normalizeTrace } }).Fit(data);
            Assert.That(map.Eigenvalues[0], Is.EqualTo(top).Within(1e-5 * top));
            Assert.That(map.Eigenvalues.Skip(1), Is.All.EqualTo(0).Within(1e-6 * top));
        }
    }

    private sealed class LabelOnly
    {
        public float Label { get; set; }
    }

    // A column of another schema, at an index the output schema has, is refused when a cursor is asked for, as ML.NET's
    // own views do: index 0 here is 'Label', there 'Features' (mutant 19B-M41 compared the index alone and read
    // 'Features' for it).
    [Test]
    public void ACursorForAColumnOfAnotherSchemaIsRefused()
    {
        var (model, _) = Linear(TestData.Dimension);
        using (model)
        {
            var data = _ml.Data.LoadFromEnumerable(TestData.Rank2(8, seed: 50));
            using var map = _ml.Transforms.AgopFeatures(new AgopFeatureEstimator.Options { Model = model }).Fit(data);
            var view = map.Transform(data);
            var other = _ml.Data.LoadFromEnumerable(new[] { new LabelOnly() }).Schema["Label"];
            Assert.That(other.Index, Is.EqualTo(0));
            Assert.That(view.Schema[0].Name, Is.EqualTo("Features"));
            var ex = Assert.Throws<ArgumentOutOfRangeException>(() => view.GetRowCursor(new[] { other }));
            Assert.That(ex!.Message, Does.Contain("Column 'Label' (index 0) is not a column of this output schema."));
            Assert.Throws<ArgumentOutOfRangeException>(() => map.GetRowToRowMapper(data.Schema).GetDependencies(new[] { other }));
        }
    }

    // An AGOP is an average over rows: data with none is refused by name before any gradient is taken (mutant 19B-M54
    // let the empty [0, d] matrix through to the AGOP).
    [Test]
    public void FittingOnDataWithoutRowsIsRefusedSayingSo()
    {
        var (model, _) = Linear(TestData.Dimension);
        using (model)
        {
            var empty = _ml.Data.LoadFromEnumerable(new List<RegressionRow>());
            var ex = Assert.Throws<ArgumentException>(() => _ml.Transforms.AgopFeatures(new AgopFeatureEstimator.Options { Model = model }).Fit(empty));
            Assert.That(ex!.ParamName, Is.EqualTo("data"));
            Assert.That(ex.Message, Does.StartWith("The data for the AGOP has no rows."));
        }
    }

    // The AGOP view maps rows one to one, so it has the input's row count and shuffles when the input does, as the
    // prediction view does (mutant 19B-M58 reported no row count).
    [Test]
    public void TheViewHasTheInputsRowCountAndShuffling()
    {
        var (model, _) = Linear(TestData.Dimension);
        using (model)
        {
            var cached = _ml.Data.Cache(_ml.Data.LoadFromEnumerable(TestData.Rank2(40, seed: 51)));
            var streamed = _ml.Data.LoadFromEnumerable(TestData.Rank2(40, seed: 51).Select(r => r));
            using var map = _ml.Transforms.AgopFeatures(new AgopFeatureEstimator.Options { Model = model }).Fit(cached);
            Assert.Multiple(() =>
            {
                Assert.That(map.Transform(cached).GetRowCount(), Is.EqualTo(40));
                Assert.That(map.Transform(cached).CanShuffle, Is.True);
                Assert.That(streamed.CanShuffle, Is.False);
                Assert.That(map.Transform(streamed).CanShuffle, Is.False);
            });
        }
    }

    private sealed class FourColumns
    {
        public float A { get; set; }
        public float B { get; set; }
        public float C { get; set; }
        public float D { get; set; }
    }

    // The output schema here has three columns (Features, Label, AgopFeatures): a column of another schema at index 3,
    // one past the last, is refused by name like any other foreign column (mutation round 32C let index = count through
    // the bound check, to fail in the schema's own indexer instead).
    [Test]
    public void AColumnOnePastTheLastOutputColumnIsRefusedByName()
    {
        var (model, _) = Linear(TestData.Dimension);
        using (model)
        {
            var data = _ml.Data.LoadFromEnumerable(TestData.Rank2(8, seed: 52));
            using var map = _ml.Transforms.AgopFeatures(new AgopFeatureEstimator.Options { Model = model }).Fit(data);
            var view = map.Transform(data);
            var past = _ml.Data.LoadFromEnumerable(new[] { new FourColumns() }).Schema["D"];
            Assert.That((past.Index, view.Schema.Count), Is.EqualTo((3, 3)));
            var ex = Assert.Throws<ArgumentOutOfRangeException>(() => view.GetRowCursor(new[] { past }));
            Assert.That(ex!.Message, Does.Contain("Column 'D' (index 3) is not a column of this output schema."));
        }
    }

    // The feature column is computed from the input's feature column alone, and an input column passes through from
    // itself alone: a mapper asks its input for no more than that (mutation round 32C asked for every input column).
    [Test]
    public void TheMapperDependsOnTheFeatureColumnForTheFeaturesAndOnEachPassedColumnForItself()
    {
        var (model, _) = Linear(TestData.Dimension);
        using (model)
        {
            var data = _ml.Data.LoadFromEnumerable(TestData.Rank2(8, seed: 53));
            using var map = _ml.Transforms.AgopFeatures(new AgopFeatureEstimator.Options { Model = model }).Fit(data);
            var mapper = map.GetRowToRowMapper(data.Schema);
            Assert.That(mapper.GetDependencies(new[] { mapper.OutputSchema["AgopFeatures"] }).Select(c => c.Name), Is.EqualTo(new[] { "Features" }));
            Assert.That(mapper.GetDependencies(new[] { mapper.OutputSchema["Label"] }).Select(c => c.Name), Is.EqualTo(new[] { "Label" }));
        }
    }

    // Rows map one to one, so a cursor asked for with a random source reads the input in the order the input's own
    // cursor with that source does (mutation round 32C dropped the random source and read the input in order).
    [Test]
    public void AShuffledCursorReadsTheRowsInTheInputsShuffledOrder()
    {
        var (model, _) = Linear(TestData.Dimension);
        using (model)
        {
            var cached = _ml.Data.Cache(_ml.Data.LoadFromEnumerable(TestData.Rank2(40, seed: 54)));
            using var map = _ml.Transforms.AgopFeatures(new AgopFeatureEstimator.Options { Model = model }).Fit(cached);
            var view = map.Transform(cached);
            var inOrder = Labels(cached, null);
            var inputShuffled = Labels(cached, new Random(7));
            Assert.That(inputShuffled, Is.Not.EqualTo(inOrder), "the input shuffles");
            Assert.That(Labels(view, new Random(7)), Is.EqualTo(inputShuffled));
        }

        static List<float> Labels(IDataView view, Random? rand)
        {
            var labels = new List<float>();
            using var cursor = view.GetRowCursor(new[] { view.Schema["Label"] }, rand);
            var getter = cursor.GetGetter<float>(view.Schema["Label"]);
            float label = 0;
            while (cursor.MoveNext())
            {
                getter(ref label);
                labels.Add(label);
            }
            return labels;
        }
    }

    // A cursor made for the label alone does not compute features: the feature column is inactive and its getter is
    // refused by name (mutation round 32C handed out the getter, which then failed in the input cursor).
    [Test]
    public void AGetterOfTheFeatureColumnNotAskedForIsRefused()
    {
        var (model, _) = Linear(TestData.Dimension);
        using (model)
        {
            var data = _ml.Data.LoadFromEnumerable(TestData.Rank2(8, seed: 55));
            using var map = _ml.Transforms.AgopFeatures(new AgopFeatureEstimator.Options { Model = model }).Fit(data);
            var view = map.Transform(data);
            using var cursor = view.GetRowCursor(new[] { view.Schema["Label"] });
            Assert.That(cursor.IsColumnActive(view.Schema["AgopFeatures"]), Is.False);
            var ex = Assert.Throws<InvalidOperationException>(() => cursor.GetGetter<Microsoft.ML.Data.VBuffer<float>>(view.Schema["AgopFeatures"]));
            Assert.That(ex!.Message, Does.Contain("Column 'AgopFeatures' is not active"));
        }
    }

    private sealed class WiderRow
    {
        [Microsoft.ML.Data.VectorType(TestData.Dimension)] public float[] Features { get; set; } = Array.Empty<float>();
        public float Label { get; set; }
        public float Extra { get; set; }
    }

    private sealed class RenamedRow
    {
        [Microsoft.ML.Data.VectorType(TestData.Dimension)] public float[] X { get; set; } = Array.Empty<float>();
        public float Label { get; set; }
    }

    // A mapper maps rows of the schema it was made for: a row with one more column, or with another column where the
    // features were, is refused by name (mutation round 32C dropped each half of the check in turn).
    [Test]
    public void TheMapperRefusesARowOfAnotherSchema()
    {
        var (model, _) = Linear(TestData.Dimension);
        using (model)
        {
            var data = _ml.Data.LoadFromEnumerable(TestData.Rank2(8, seed: 56));
            using var map = _ml.Transforms.AgopFeatures(new AgopFeatureEstimator.Options { Model = model }).Fit(data);
            var mapper = map.GetRowToRowMapper(data.Schema);
            var wider = _ml.Data.LoadFromEnumerable(new[] { new WiderRow { Features = new float[TestData.Dimension] } });
            var renamed = _ml.Data.LoadFromEnumerable(new[] { new RenamedRow { X = new float[TestData.Dimension] } });
            Assert.That((wider.Schema["Features"].Index, renamed.Schema["X"].Index, renamed.Schema.Count), Is.EqualTo((0, 0, data.Schema.Count)));
            foreach (var other in new[] { wider, renamed })
            {
                using var input = other.GetRowCursor(other.Schema);
                var ex = Assert.Throws<ArgumentException>(() => mapper.GetRow(input, mapper.OutputSchema));
                Assert.That(ex!.Message, Does.Contain("not the schema this mapper was created for"));
            }
        }
    }

    // A network transformer whose network was disposed (by a PredictionEngine that owned it, say) is refused with the
    // message that says how to share one (mutation round 32C dropped the check).
    [Test]
    public void FittingWithADisposedNetworkIsRefusedSayingHowToShareIt()
    {
        var data = _ml.Data.LoadFromEnumerable(TestData.Rank2(32, seed: 57));
        var network = _ml.Regression.Trainers.TorchNetwork(Catapults.Pipelines.Tests.Trainers.Tiny.Configure(new Catapults.Pipelines.Trainers.TorchNetworkRegressionTrainer.Options())).Fit(data);
        network.Dispose();
        var estimator = _ml.Transforms.AgopFeatures(new AgopFeatureEstimator.Options { Network = network });
        var ex = Assert.Throws<ObjectDisposedException>(() => estimator.Fit(data));
        Assert.That(ex!.Message, Is.EqualTo(Catapults.Pipelines.Prediction.TorchNetworkModelParameters.DisposedMessage));
    }

    // Source says in words which network the AGOP was taken from: a model's own description, or a network
    // transformer's type and its network's description (mutation round 32C left it empty, then dropped the type).
    [Test]
    public void TheSourceDescribesTheModelOrTheNetworkTransformerTheAgopWasTakenFrom()
    {
        var data = _ml.Data.LoadFromEnumerable(TestData.Rank2(32, seed: 58));
        var (model, _) = Linear(TestData.Dimension);
        using (model)
        {
            using var fromModel = _ml.Transforms.AgopFeatures(new AgopFeatureEstimator.Options { Model = model }).Fit(data);
            Assert.That(model.Describe(), Is.Not.Empty);
            Assert.That(fromModel.Source, Is.EqualTo(model.Describe()));
        }
        using var network = _ml.Regression.Trainers.TorchNetwork(Catapults.Pipelines.Tests.Trainers.Tiny.Configure(new Catapults.Pipelines.Trainers.TorchNetworkRegressionTrainer.Options())).Fit(data);
        using var fromNetwork = _ml.Transforms.AgopFeatures(new AgopFeatureEstimator.Options { Network = network }).Fit(data);
        Assert.That(fromNetwork.Source, Is.EqualTo($"TorchNetworkRegressionTransformer: {network.Model.Description}"));
    }

    // A stage whose map state the map refuses (here a later state version) is a damaged archive: InvalidDataException
    // naming the entry and the state's problem (mutation round 32C let the map's ArgumentException escape as is).
    [Test]
    public void AStageWhoseMapStateIsRefusedIsReportedAsInvalidData()
    {
        var (model, _) = Linear(TestData.Dimension);
        using var __ = model;
        var data = _ml.Data.LoadFromEnumerable(TestData.Rank2(16, seed: 59));
        using var transformer = _ml.Transforms.AgopFeatures(new AgopFeatureEstimator.Options { Model = model }).Fit(data);
        using var stream = new MemoryStream();
        transformer.Save(stream);
        using (var zip = new System.IO.Compression.ZipArchive(stream, System.IO.Compression.ZipArchiveMode.Update, leaveOpen: true))
        {
            var entry = zip.Entries.Single(e => e.FullName.EndsWith("agop-features.json", StringComparison.Ordinal));
            string name = entry.FullName, text;
            using (var reader = new StreamReader(entry.Open())) text = reader.ReadToEnd();
            var changed = System.Text.RegularExpressions.Regex.Replace(text, "\"Version\"\\s*:\\s*1\\b", "\"Version\": 2");
            Assert.That(changed, Is.Not.EqualTo(text));
            entry.Delete();
            using var writer = new StreamWriter(zip.CreateEntry(name).Open());
            writer.Write(changed);
        }
        stream.Position = 0;
        var ex = Assert.Throws<InvalidDataException>(() => AgopFeatureTransformer.Load(stream));
        Assert.That(ex!.Message, Does.Contain("agop-features.json").And.Contain("the map state is invalid").And.Contain("Version 2 is not supported"));
    }

    // Disposing the transformer disposes its map: the map's tensor transform refuses afterwards (mutation round 32C
    // left the map undisposed).
    [Test]
    public void DisposingTheTransformerDisposesItsMap()
    {
        using var scope = torch.NewDisposeScope();
        var (model, _) = Linear(TestData.Dimension);
        using var __ = model;
        var data = _ml.Data.LoadFromEnumerable(TestData.Rank2(16, seed: 60));
        var transformer = _ml.Transforms.AgopFeatures(new AgopFeatureEstimator.Options { Model = model }).Fit(data);
        var x = torch.ones(2, TestData.Dimension);
        Assert.That(transformer.Map.Transform(x).shape, Is.EqualTo(new long[] { 2, TestData.Dimension }));
        transformer.Dispose();
        Assert.Throws<ObjectDisposedException>(() => transformer.Map.Transform(x));
    }
}
