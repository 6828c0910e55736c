using Catapults.ML.Tests.Support;
using Catapults.Pipelines.Catalog;
using Catapults.Pipelines.Trainers;
using Catapults.Pipelines.Prediction;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Catapults.Pipelines.Tests.Support;

/// <summary>An invalid input and the words its error message must contain.</summary>
public sealed record InvalidInput(string What, IDataView Data, params string[] MessageParts)
{
    /// <summary>
    /// True when only the data show the fault (a value in a row, a vector's size, a key's count), which a
    /// <see cref="SchemaShape"/> does not carry; false when the column's presence or type does, so that
    /// <c>GetOutputSchema</c> must refuse it as <c>Fit</c> does.
    /// </summary>
    public bool OnlyInTheData { get; init; }
}

/// <summary>
/// The reusable estimator-check harness. A concrete fixture says how to build the estimator, the training rows and
/// the invalid inputs; the harness checks, for that estimator:
/// <list type="number">
/// <item>the estimator's output shape matches the shape of the actual Transform output, and the transformer's
/// GetOutputSchema matches the output schema column by column (types, hidden flags, annotations), and every output
/// column can be read with its declared type;</item>
/// <item>invalid inputs fail with an <see cref="ArgumentException"/> whose message names the problem;</item>
/// <item>a save/load round trip gives bit-identical outputs;</item>
/// <item>a PredictionEngine gives the same outputs as Transform (to float rounding: the engine runs one row at a time,
/// Transform whole blocks, and a matrix product may round differently);</item>
/// <item>no tensor leaks across Fit plus 1,000 predictions.</item>
/// </list>
/// </summary>
public abstract class EstimatorChecks<TTransformer, TIn, TOut>
    where TTransformer : class, ITransformer, IDisposable
    where TIn : class
    where TOut : class, new()
{
    protected MLContext Context { get; } = new(seed: 1);
    private TTransformer? _fitted;
    private IDataView? _data;
    private IReadOnlyList<TIn>? _rows;

    /// <summary>The estimator under test (tiny network, few steps).</summary>
    protected abstract IEstimator<TTransformer> CreateEstimator();

    /// <summary>Training rows; the same rows are predicted.</summary>
    protected abstract IReadOnlyList<TIn> CreateRows();

    /// <summary>The prediction columns the estimator adds, in order.</summary>
    protected abstract string[] OutputColumns { get; }

    /// <summary>A PredictionEngine output's values, one array per column of <see cref="OutputColumns"/>.</summary>
    protected abstract double[][] Values(TOut prediction);

    /// <summary>Inputs that must be refused.</summary>
    protected abstract IEnumerable<InvalidInput> InvalidInputs(IDataView valid, IReadOnlyList<TIn> rows);

    /// <summary>Rows can be turned into a view by <see cref="Context"/> (a fixture may override for key labels etc.).</summary>
    protected virtual IDataView ToDataView(IReadOnlyList<TIn> rows) => Context.Data.LoadFromEnumerable(rows);

    protected IReadOnlyList<TIn> Rows => _rows ??= CreateRows();
    protected IDataView Data => _data ??= ToDataView(Rows);
    protected TTransformer Fitted => _fitted ??= CreateEstimator().Fit(Data);

    [OneTimeTearDown]
    public void DisposeFitted() => _fitted?.Dispose();

    [Test]
    public void OutputSchemaMatchesTransformOutput()
    {
        var estimator = CreateEstimator();
        var promised = estimator.GetOutputSchema(OutputShapes.FromSchema(Data.Schema));
        var output = Fitted.Transform(Data);
        var actual = OutputShapes.FromSchema(output.Schema);
        Assert.That(promised.Select(c => c.Name), Is.EqualTo(actual.Select(c => c.Name)), "column names and order");
        foreach (var a in actual)
        {
            var p = promised.Single(c => c.Name == a.Name);
            Assert.That((p.Kind, p.ItemType, p.IsKey), Is.EqualTo((a.Kind, a.ItemType, a.IsKey)), $"shape of column '{a.Name}'");
            Assert.That(p.Annotations.Select(x => x.Name), Is.EquivalentTo(a.Annotations.Select(x => x.Name)), $"annotations of '{a.Name}'");
        }

        var schema = Fitted.GetOutputSchema(Data.Schema);
        Assert.That(schema.Count, Is.EqualTo(output.Schema.Count));
        for (int i = 0; i < schema.Count; i++)
        {
            Assert.That((schema[i].Name, schema[i].Type, schema[i].IsHidden), Is.EqualTo((output.Schema[i].Name, output.Schema[i].Type, output.Schema[i].IsHidden)));
            Assert.That(schema[i].Annotations.Schema.Select(c => (c.Name, c.Type)), Is.EqualTo(output.Schema[i].Annotations.Schema.Select(c => (c.Name, c.Type))));
        }
        Assert.That(schema.Count, Is.EqualTo(Data.Schema.Count + OutputColumns.Length), "input columns are kept");
        foreach (var name in OutputColumns)
            Assert.That(TestData.Column(output, name), Has.Count.EqualTo(Rows.Count), $"column '{name}' reads with its declared type");
    }

    [Test]
    public void InvalidInputFailsWithAClearException()
    {
        var estimator = CreateEstimator();
        int checkedInputs = 0;
        foreach (var invalid in InvalidInputs(Data, Rows))
        {
            var ex = Assert.Catch<ArgumentException>(() => estimator.Fit(invalid.Data)?.Dispose(), invalid.What);
            foreach (var part in invalid.MessageParts)
                Assert.That(ex!.Message, Does.Contain(part), $"{invalid.What}: message '{ex.Message}'");
            checkedInputs++;
        }
        Assert.That(checkedInputs, Is.GreaterThanOrEqualTo(4));
    }

    [Test]
    public void GetOutputSchemaRefusesWhatTheSchemaShows()
    {
        // As ML.NET's estimators do: a pipeline's shape check fails where Fit would, before any data is read.
        var estimator = CreateEstimator();
        int checkedInputs = 0;
        foreach (var invalid in InvalidInputs(Data, Rows).Where(i => !i.OnlyInTheData))
        {
            var ex = Assert.Catch<ArgumentException>(() => estimator.GetOutputSchema(OutputShapes.FromSchema(invalid.Data.Schema)), invalid.What);
            foreach (var part in invalid.MessageParts)
                Assert.That(ex!.Message, Does.Contain(part), $"{invalid.What}: message '{ex.Message}'");
            checkedInputs++;
        }
        Assert.That(checkedInputs, Is.GreaterThanOrEqualTo(2));
    }

    [Test]
    public void SaveAndLoadGiveIdenticalOutputs()
    {
        using var stream = new MemoryStream();
        Context.Model.SaveCatapultsModel(Fitted, Data.Schema, stream);
        stream.Position = 0;
        var loaded = Context.Model.LoadCatapultsModel(stream, out var schema);
        Assert.That(loaded, Is.TypeOf<TTransformer>());
        Assert.That(schema!.Select(c => (c.Name, c.Type)), Is.EqualTo(Data.Schema.Select(c => (c.Name, c.Type))), "input schema");
        using var typed = (TTransformer)loaded;
        var before = Fitted.Transform(Data);
        var after = typed.Transform(Data);
        foreach (var name in OutputColumns)
            Assert.That(TestData.Column(after, name), Is.EqualTo(TestData.Column(before, name)), $"column '{name}' after loading");
        AssertLoadedMatches(Fitted, typed);
    }

    /// <summary>Further checks of a loaded transformer against the original; networks compare their training reports.</summary>
    protected virtual void AssertLoadedMatches(TTransformer original, TTransformer loaded)
    {
        if (original is TorchNetworkPredictionTransformer a && loaded is TorchNetworkPredictionTransformer b)
        {
            Assert.That(b.Report.Steps, Is.EqualTo(a.Report.Steps), "step records");
            Assert.That(b.Report.Result with { WallTime = default }, Is.EqualTo(a.Report.Result with { WallTime = default }), "training result");
        }
    }

    [Test]
    public void PredictionEngineEqualsTransform()
    {
        var transformed = Fitted.Transform(Data);
        var columns = OutputColumns.Select(name => TestData.Column(transformed, name)).ToArray();
        // PredictionEngine disposes a transformer it owns; this one is shared by the fixture.
        using var engine = Context.Model.CreatePredictionEngine<TIn, TOut>(Fitted, new PredictionEngineOptions { OwnsTransformer = false });
        for (int row = 0; row < Rows.Count; row++)
        {
            var values = Values(engine.Predict(Rows[row]));
            for (int c = 0; c < columns.Length; c++)
                Assert.That(values[c], Is.EqualTo(columns[c][row]).Within(1e-5), $"row {row}, column '{OutputColumns[c]}'");
        }
    }

    [Test]
    public void NoTensorLeaksAcrossFitAndOneThousandPredictions()
    {
        var estimator = CreateEstimator();
        void FitAndPredict(int predictions)
        {
            using var transformer = estimator.Fit(Data);
            using var engine = Context.Model.CreatePredictionEngine<TIn, TOut>(transformer);
            for (int i = 0; i < predictions; i++) engine.Predict(Rows[i % Rows.Count]);
            var transformed = transformer.Transform(Data);
            TestData.Column(transformed, OutputColumns[0]);
        }
        TensorAssert.NoLeak(() => FitAndPredict(1), () => FitAndPredict(1000), "Fit + 1,000 predictions + Transform");
    }

    /// <summary>The rows' view with the feature column turned into a variable-length vector.</summary>
    protected IDataView WithVariableLengthFeatures(IReadOnlyList<TIn> rows)
    {
        var definition = SchemaDefinition.Create(typeof(TIn));
        definition["Features"].ColumnType = new VectorDataViewType(NumberDataViewType.Single);
        return Context.Data.LoadFromEnumerable(rows, definition);
    }

    /// <summary>The view with the feature column dropped.</summary>
    protected IDataView WithoutFeatures(IDataView data) => Context.Transforms.DropColumns("Features").Fit(data).Transform(data);

    /// <summary>The view with the feature column converted to Double.</summary>
    protected IDataView WithDoubleFeatures(IDataView data) =>
        Context.Transforms.Conversion.ConvertType("Features", outputKind: DataKind.Double).Fit(data).Transform(data);
}
