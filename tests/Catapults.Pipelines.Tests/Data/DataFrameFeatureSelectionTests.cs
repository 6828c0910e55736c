using Catapults.Pipelines.Data;
using Microsoft.Data.Analysis;
using Microsoft.ML.Data;

namespace Catapults.Pipelines.Tests.Data;

/// <summary>
/// Which DataFrame columns become features: the default feature name "Features" takes every numeric column only when
/// the frame has no column of that name (when it has one, that column alone), and the label is never also a feature.
/// Found by mutation testing (6 Dec 2026).
/// </summary>
[TestFixture]
public sealed class DataFrameFeatureSelectionTests
{
    [Test]
    public void AFrameWithAFeaturesColumnGivesThatColumnAloneByDefault()
    {
        var frame = new DataFrame(
            new DoubleDataFrameColumn("Features", [1.0, 2.0]),
            new DoubleDataFrameColumn("Other", [10.0, 20.0]),
            new SingleDataFrameColumn("Label", [0.5f, 1.5f]));
        using var data = frame.ToTensorDataset();
        Assert.That(data.Features.shape, Is.EqualTo(new long[] { 2, 1 }));
        Assert.That(data.Features.data<float>().ToArray(), Is.EqualTo(new[] { 1f, 2f }));
    }

    [Test]
    public void TheLabelNamedAsAFeatureIsRefused()
    {
        var frame = new DataFrame(
            new DoubleDataFrameColumn("x", [1.0, 2.0]),
            new SingleDataFrameColumn("Label", [0.5f, 1.5f]));
        var ex = Assert.Throws<ArgumentException>(() => frame.ToTensorDataset(new TensorConversionOptions { FeatureColumnNames = ["x", "Label"] }).Dispose());
        Assert.That(ex!.Message, Is.EqualTo("Column 'Label' is both a feature and the label."));
    }

    // Only the default list alone means "every column": a list that names "Features" and more, on a frame without that
    // column, is refused by name (mutant 20A-M35 took every column instead).
    [Test]
    public void AListNamingAMissingFeaturesColumnAndMoreIsRefusedByName()
    {
        var frame = new DataFrame(
            new DoubleDataFrameColumn("a", [1.0, 2.0]),
            new DoubleDataFrameColumn("b", [10.0, 20.0]),
            new SingleDataFrameColumn("Label", [0.5f, 1.5f]));
        var ex = Assert.Throws<ArgumentException>(() => frame.ToTensorDataset(new TensorConversionOptions { FeatureColumnNames = ["Features", "a"] }).Dispose());
        Assert.That(ex!.Message, Does.StartWith("the DataFrame has no feature column 'Features'; its columns are: a (Double), b (Double), Label (Single)."));
    }

    // A CSV header is the file's text: a column name holding an escape sequence or a line break is quoted visibly in
    // a row's error (a null, a NaN, a torn vector), so the message stays one clear line.
    [Test]
    public void AColumnNameFromTheFileIsQuotedVisiblyInARowError()
    {
        const string name = "x\u001b[2J\nlabel";
        var withNull = new DataFrame(new DoubleDataFrameColumn(name, [1.0, null]), new SingleDataFrameColumn("Label", [0.5f, 1.5f]));
        var withNaN = new DataFrame(new DoubleDataFrameColumn(name, [1.0, double.NaN]), new SingleDataFrameColumn("Label", [0.5f, 1.5f]));
        var vectors = new VBufferDataFrameColumn<float>(name, [new VBuffer<float>(2, [1f, 2f]), new VBuffer<float>(1, [3f])]);
        var torn = new DataFrame(vectors, new SingleDataFrameColumn("Label", [0.5f, 1.5f]));
        var label = new DataFrame(new DoubleDataFrameColumn("x", [1.0, 2.0]), new SingleDataFrameColumn(name, [0.5f, float.PositiveInfinity]));
        foreach (var (frame, options, expected) in new[]
                 {
                     (withNull, new TensorConversionOptions(), "column 'x\\u001B[2J\\u000Alabel', row 1: the value is missing"),
                     (withNaN, new TensorConversionOptions(), "column 'x\\u001B[2J\\u000Alabel', row 1: NaN is not a finite"),
                     (torn, new TensorConversionOptions(), "column 'x\\u001B[2J\\u000Alabel', row 1: a vector of 1 values"),
                     (label, new TensorConversionOptions { LabelColumnName = name }, "label column 'x\\u001B[2J\\u000Alabel', row 1: "),
                 })
        {
            var ex = Assert.Throws<InvalidDataException>(() => frame.ToTensorDataset(options).Dispose())!;
            Assert.That(ex.Message.Any(char.IsControl), Is.False, ex.Message);
            Assert.That(ex.Message, Does.Contain(expected));
        }
    }

    // As in a row's error, so in the refusals of a column as a whole: the label with no feature beside it, a column
    // named both, a feature of text and a label of text (found by mutation round 34A's reading of the converters).
    [Test]
    public void AColumnNameFromTheFileIsQuotedVisiblyWhenTheColumnIsRefused()
    {
        const string name = "x\u001b[2J\nlabel";
        const string visible = "x\\u001B[2J\\u000Alabel";
        var labelOnly = new DataFrame(new SingleDataFrameColumn(name, [0.5f, 1.5f]));
        var numeric = new DataFrame(new DoubleDataFrameColumn(name, [1.0, 2.0]), new SingleDataFrameColumn("Label", [0.5f, 1.5f]));
        var text = new DataFrame(new StringDataFrameColumn(name, ["a", "b"]), new SingleDataFrameColumn("Label", [0.5f, 1.5f]));
        var textLabel = new DataFrame(new DoubleDataFrameColumn("x", [1.0, 2.0]), new StringDataFrameColumn(name, ["a", "b"]));
        foreach (var (frame, options, expected) in new[]
                 {
                     (labelOnly, new TensorConversionOptions { LabelColumnName = name }, $"has no numeric feature columns besides '{visible}'"),
                     (numeric, new TensorConversionOptions { LabelColumnName = name, FeatureColumnNames = [name] }, $"Column '{visible}' is both a feature and the label."),
                     (text, new TensorConversionOptions { FeatureColumnNames = [name] }, $"Feature column '{visible}' of the DataFrame holds String"),
                     (textLabel, new TensorConversionOptions { LabelColumnName = name }, $"Label column '{visible}' of the DataFrame holds String"),
                 })
        {
            var ex = Assert.Throws<ArgumentException>(() => frame.ToTensorDataset(options).Dispose())!;
            Assert.That(ex.Message.Any(char.IsControl), Is.False, ex.Message);
            Assert.That(ex.Message, Does.Contain(expected));
        }
    }
}
