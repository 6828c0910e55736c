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
        using var top = _ml.Transforms.AgopFeatures(new AgopFeatureEstimator.Options { Model = model, Kind = AgopFeatureMapKind.TopEigenvectors, Rank = 1, OutputColumnName = "Top" }).Fit(data);
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
        ex = Assert.Throws<ArgumentException>(() => _ml.Transforms.AgopFeatures(new AgopFeatureEstimator.Options { Model = model, Power = -1 }));
        Assert.That(ex!.Message, Does.Contain("Power"));
        var data = _ml.Data.LoadFromEnumerable(TestData.Rank2(16, seed: 44));
        ex = Assert.Throws<ArgumentException>(() => _ml.Transforms.AgopFeatures(new AgopFeatureEstimator.Options
            { Model = model, Kind = AgopFeatureMapKind.TopEigenvectors, Rank = 7 }).Fit(data));
        Assert.That(ex!.Message, Does.Contain("Rank 7").And.Contain("6 slots"));
    }

    // Options.NormalizeTrace = false fits G itself: for f(x) = wᵀx / √d that is w wᵀ / d, whose one non-zero eigenvalue
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
            using var map = _ml.Transforms.AgopFeatures(new AgopFeatureEstimator.Options { Model = model, NormalizeTrace = normalizeTrace }).Fit(data);
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
}
