using Catapults.ML.Data;
using Catapults.Pipelines.Data;
using Microsoft.Data.Analysis;
using Microsoft.ML;
using Microsoft.ML.Data;
using TorchSharp;

namespace Catapults.Pipelines.Tests.Data;

public class TensorConverterTests
{
    private readonly MLContext _ml = new(seed: 0);

    private sealed class VectorRow
    {
        [VectorType(3)] public float[] Features = [];
        public float Label;
    }

    private sealed class ScalarRow
    {
        public float A;
        public double B;
        public int C;
        public bool D;
        public long Label;
        public string Text = "";
        public float[] Ragged = [];
    }

    [Test]
    public void SizedVectorAndFloatLabelBecomeRegressionTensors()
    {
        var view = _ml.Data.LoadFromEnumerable(new[]
        {
            new VectorRow { Features = [1, 2, 3], Label = 0.5f },
            new VectorRow { Features = [4, 5, 6], Label = -1.5f },
        });
        using var data = view.ToTensorDataset();
        Assert.That(data.Features.data<float>().ToArray(), Is.EqualTo(new[] { 1f, 2, 3, 4, 5, 6 }));
        Assert.That(data.Targets.shape, Is.EqualTo(new long[] { 2, 1 }));
        Assert.That(data.Targets.data<float>().ToArray(), Is.EqualTo(new[] { 0.5f, -1.5f }));
    }

    [Test]
    public void ScalarColumnsConcatenateAndIntegerLabelsAreClasses()
    {
        var view = _ml.Data.LoadFromEnumerable(new[]
        {
            new ScalarRow { A = 1.5f, B = 2, C = 3, D = true, Label = 2 },
            new ScalarRow { A = -1, B = 0.25, C = -7, D = false, Label = 0 },
        });
        using var data = view.ToTensorDataset(new TensorConversionOptions { FeatureColumnNames = ["D", "A", "B", "C"] });
        Assert.That(data.Features.data<float>().ToArray(), Is.EqualTo(new[] { 1f, 1.5f, 2, 3, 0, -1, 0.25f, -7 }));
        Assert.That(data.Targets.dtype, Is.EqualTo(torch.ScalarType.Int64));
        Assert.That(data.Targets.data<long>().ToArray(), Is.EqualTo(new[] { 2L, 0L }));

        using var regression = view.ToTensorDataset(new TensorConversionOptions { FeatureColumnNames = ["A"], LabelColumnName = "D", Targets = TargetKind.Regression });
        Assert.That(regression.Targets.data<float>().ToArray(), Is.EqualTo(new[] { 1f, -1f }), "Boolean → ±1 for regression");
    }

    [Test]
    public void KeyLabelsBecomeZeroBasedClassIndices()
    {
        var view = _ml.Data.LoadFromEnumerable(new[]
        {
            new VectorRow { Features = [1, 2, 3], Label = 7 },
            new VectorRow { Features = [4, 5, 6], Label = 3 },
            new VectorRow { Features = [7, 8, 9], Label = 7 },
        });
        var keyed = _ml.Transforms.Conversion.MapValueToKey("Label").Fit(view).Transform(view);
        using var data = keyed.ToTensorDataset();
        Assert.That(data.Targets.data<long>().ToArray(), Is.EqualTo(new[] { 0L, 1L, 0L }), "keys in order of appearance, minus one");
    }

    [Test]
    public void SchemaProblemsNameTheColumn()
    {
        var view = _ml.Data.LoadFromEnumerable(new[] { new ScalarRow { Ragged = [1, 2] } });
        var ex = Assert.Throws<ArgumentException>(() => view.ToTensorDataset());
        Assert.That(ex!.Message, Does.Contain("no feature column 'Features'").And.Contain("Ragged"));
        ex = Assert.Throws<ArgumentException>(() => view.ToTensorDataset(new TensorConversionOptions { FeatureColumnNames = ["A", "Text"] }));
        Assert.That(ex!.Message, Does.Contain("'Text'").And.Contain("String"));
        ex = Assert.Throws<ArgumentException>(() => view.ToTensorDataset(new TensorConversionOptions { FeatureColumnNames = ["Ragged"] }));
        Assert.That(ex!.Message, Does.Contain("'Ragged'").And.Contain("variable-length"));
        ex = Assert.Throws<ArgumentException>(() => view.ToTensorDataset(new TensorConversionOptions { FeatureColumnNames = ["A"], LabelColumnName = "Nope" }));
        Assert.That(ex!.Message, Does.Contain("no label column 'Nope'"));
        ex = Assert.Throws<ArgumentException>(() => view.ToTensorDataset(new TensorConversionOptions { FeatureColumnNames = ["A", "B"], SampleShape = [3] }));
        Assert.That(ex!.Message, Does.Contain("SampleShape [3]").And.Contain("2 features"));
    }

    [Test]
    public void NonFiniteValuesNameColumnElementAndRow()
    {
        var view = _ml.Data.LoadFromEnumerable(new[]
        {
            new VectorRow { Features = [1, 2, 3], Label = 1 },
            new VectorRow { Features = [1, float.NaN, 3], Label = 1 },
        });
        var ex = Assert.Throws<InvalidDataException>(() => view.ToTensorDataset());
        Assert.That(ex!.Message, Does.Contain("column 'Features' (element 1), row 1").And.Contain("NaN"));

        var bad = _ml.Data.LoadFromEnumerable(new[] { new VectorRow { Features = [1, 2, 3], Label = float.PositiveInfinity } });
        ex = Assert.Throws<InvalidDataException>(() => bad.ToTensorDataset());
        Assert.That(ex!.Message, Does.Contain("label column 'Label', row 0"));

        var fractional = _ml.Data.LoadFromEnumerable(new[] { new VectorRow { Features = [1, 2, 3], Label = 0.5f } });
        ex = Assert.Throws<InvalidDataException>(() => fractional.ToTensorDataset(new TensorConversionOptions { Targets = TargetKind.ClassIndex }));
        Assert.That(ex!.Message, Does.Contain("not a class index"));
    }

    [Test]
    public void DataFrameNumericColumnsBecomeTensors()
    {
        var frame = new DataFrame(
            new DoubleDataFrameColumn("x1", [1.0, 2.0, 3.0]),
            new Int32DataFrameColumn("x2", [10, 20, 30]),
            new StringDataFrameColumn("note", ["a", "b", "c"]),
            new SingleDataFrameColumn("Label", [0.5f, 1.5f, 2.5f]));
        using var data = frame.ToTensorDataset();
        Assert.That(data.Features.data<float>().ToArray(), Is.EqualTo(new[] { 1f, 10, 2, 20, 3, 30 }), "every numeric column except the label");
        Assert.That(data.Targets.data<float>().ToArray(), Is.EqualTo(new[] { 0.5f, 1.5f, 2.5f }));

        using var classes = frame.ToTensorDataset(new TensorConversionOptions { FeatureColumnNames = ["x1"], LabelColumnName = "x2" });
        Assert.That(classes.Targets.data<long>().ToArray(), Is.EqualTo(new[] { 10L, 20L, 30L }));
    }

    [Test]
    public void DataFrameNullsNaNsAndTextAreErrorsNamingColumnAndRow()
    {
        var x = new DoubleDataFrameColumn("x", [1.0, 2.0, 3.0]);
        x[2] = null;
        var frame = new DataFrame(x, new DoubleDataFrameColumn("Label", [1.0, double.NaN, 0.0]), new StringDataFrameColumn("s", ["a", "b", "c"]));
        var ex = Assert.Throws<InvalidDataException>(() => frame.ToTensorDataset(new TensorConversionOptions { FeatureColumnNames = ["x"] }));
        Assert.That(ex!.Message, Does.Contain("label column 'Label', row 1").And.Contain("NaN"));
        frame["Label"][1] = 2.0;
        ex = Assert.Throws<InvalidDataException>(() => frame.ToTensorDataset(new TensorConversionOptions { FeatureColumnNames = ["x"] }));
        Assert.That(ex!.Message, Does.Contain("column 'x', row 2").And.Contain("missing"));
        var ax = Assert.Throws<ArgumentException>(() => frame.ToTensorDataset(new TensorConversionOptions { FeatureColumnNames = ["x", "s"] }));
        Assert.That(ax!.Message, Does.Contain("'s'").And.Contain("String"));
        ax = Assert.Throws<ArgumentException>(() => frame.ToTensorDataset(new TensorConversionOptions { FeatureColumnNames = ["y"] }));
        Assert.That(ax!.Message, Does.Contain("no feature column 'y'").And.Contain("x (Double)"));
    }

    [Test]
    public void AMissingColumnsErrorShowsInvisibleCharactersInTheNamesItLists()
    {
        // A byte-order mark that a CSV export left inside "Label" makes the column look like the one asked for.
        var frame = new DataFrame(new DoubleDataFrameColumn("x", [1.0, 2.0]), new DoubleDataFrameColumn("\uFEFFLabel", [0.0, 1.0]));
        var ax = Assert.Throws<ArgumentException>(() => frame.ToTensorDataset(new TensorConversionOptions { FeatureColumnNames = ["x"] }));
        Assert.That(ax!.Message, Does.Contain("no label column 'Label'").And.Contain("\\uFEFFLabel (Double)"));
        var view = _ml.Data.LoadFromEnumerable(new[] { new VectorRow { Features = [1, 2, 3], Label = 7 } });
        var vx = Assert.Throws<ArgumentException>(() => view.ToTensorDataset(new TensorConversionOptions { FeatureColumnNames = ["Features\u200B"] }));
        Assert.That(vx!.Message, Does.Contain("no feature column 'Features\\u200B'"));
    }
}
