using Catapults.Pipelines.Data;
using Catapults.Pipelines.Prediction;
using Catapults.Pipelines.Trainers;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Catapults.Pipelines.Tests.Prediction;

/// <summary>
/// Schema checks of the network estimators: an image shape that disagrees with the column's size is refused, a
/// missing column's message lists the columns a user can see (not hidden ones), and the promised output shape replaces
/// an input column of a prediction column's name instead of adding a second one. Found by mutation testing (6 Dec 2026).
/// </summary>
[TestFixture]
public sealed class ColumnChecksTests
{
    [Test]
    public void AnImageShapeThatDisagreesWithTheColumnSizeIsRefused()
    {
        var annotations = new DataViewSchema.Annotations.Builder();
        var shape = new VBuffer<int>(3, new[] { 3, 2, 2 });
        annotations.Add(ImageColumnShape.AnnotationKind, new VectorDataViewType(NumberDataViewType.Int32, 3), (ref VBuffer<int> dst) => shape.CopyTo(ref dst));
        var builder = new DataViewSchema.Builder();
        builder.AddColumn("Features", new VectorDataViewType(NumberDataViewType.Single, 10), annotations.ToAnnotations());
        var ex = Assert.Throws<ArgumentException>(() => ColumnChecks.NetworkFeatures(builder.ToSchema(), "Features", new() { Architecture = "cnn-2" }));
        Assert.That(ex!.Message, Does.Contain("has 10 slots, but its image shape").And.Contain("holds 12"));
    }

    [Test]
    public void AMissingColumnsMessageListsOnlyVisibleColumns()
    {
        var builder = new DataViewSchema.Builder();
        builder.AddColumn("A", NumberDataViewType.Single);
        builder.AddColumn("A", NumberDataViewType.Double);
        builder.AddColumn("B", NumberDataViewType.Single);
        var schema = builder.ToSchema();
        Assert.That(schema[0].IsHidden, Is.True, "the first 'A' is hidden by the second");
        var ex = Assert.Throws<ArgumentException>(() => ColumnChecks.Features(schema, "Features"));
        Assert.That(ex!.Message, Does.Contain("Available columns: 'A', 'B'."));
    }

    [Test]
    public void ThePromisedShapeReplacesAnInputColumnOfAPredictionColumnsName()
    {
        var builder = new DataViewSchema.Builder();
        builder.AddColumn("Features", new VectorDataViewType(NumberDataViewType.Single, 4));
        builder.AddColumn("Score", BooleanDataViewType.Instance);
        builder.AddColumn("Label", NumberDataViewType.Single);
        var shape = OutputShapes.Append(OutputShapes.FromSchema(builder.ToSchema()), new RegressionHead());
        Assert.That(shape.Select(c => c.Name), Is.EqualTo(new[] { "Features", "Score", "Label" }));
        Assert.That(OutputShapes.TryFind(shape, "Score", out var score) && score.ItemType == NumberDataViewType.Single, "Score is the head's Single");
    }

    // A feature column of the wrong type is refused with the fix that fits it: a Single scalar is wrapped into a
    // vector, any other type converted first. Found by mutation testing (round 29B: the two hints could be swapped).
    [Test]
    public void AWrongFeatureTypeIsRefusedWithTheFixThatFitsIt()
    {
        var builder = new DataViewSchema.Builder();
        builder.AddColumn("Scalar", NumberDataViewType.Single);
        builder.AddColumn("Doubles", new VectorDataViewType(NumberDataViewType.Double, 4));
        var schema = builder.ToSchema();
        var scalar = Assert.Throws<ArgumentException>(() => ColumnChecks.Features(schema, "Scalar"));
        Assert.That(scalar!.Message, Does.StartWith("Feature column 'Scalar' has type Single, but a known-size vector of Single is required. " +
            "Wrap scalar columns into a vector with mlContext.Transforms.Concatenate(\"Scalar\", ...)."));
        var doubles = Assert.Throws<ArgumentException>(() => ColumnChecks.Features(schema, "Doubles"));
        Assert.That(doubles!.Message, Does.Contain("Convert it with mlContext.Transforms.Conversion.ConvertType(..., DataKind.Single)")
            .And.Not.Contain("Wrap scalar columns"));
    }

    // An estimator's promised schema refuses a vector of keys as a multiclass label, as Fit does: the label is one key
    // per row. Found by mutation testing (round 29B).
    [Test]
    public void AVectorOfKeysIsNotAMulticlassLabel()
    {
        var builder = new DataViewSchema.Builder();
        builder.AddColumn("Features", new VectorDataViewType(NumberDataViewType.Single, 4));
        builder.AddColumn("Label", new VectorDataViewType(new KeyDataViewType(typeof(uint), 3), 2));
        var shape = OutputShapes.FromSchema(builder.ToSchema());
        var ex = Assert.Throws<ArgumentException>(() => ColumnChecks.Label(shape, "Label", PredictionKind.MulticlassClassification));
        Assert.That(ex!.Message, Does.StartWith("Label column 'Label' is a vector of key UInt32, but multiclass classification needs a UInt32 key-typed label"));
    }

    // A UInt32 key can hold more values than an output layer's int-sized width; the message says so, rather than
    // calling the key's cardinality unknown (round 29B noticed the misleading phrase).
    [Test]
    public void AKeyWithMoreValuesThanAnOutputLayerCanHoldIsRefusedSayingSo()
    {
        var builder = new DataViewSchema.Builder();
        builder.AddColumn("Label", new KeyDataViewType(typeof(uint), (ulong)int.MaxValue + 1));
        var ex = Assert.Throws<ArgumentException>(() => ColumnChecks.MulticlassLabel(builder.ToSchema(), "Label"));
        Assert.That(ex!.Message, Does.StartWith("Label column 'Label' is a key of 2147483648 values; the network's output layer holds at most 2147483647 classes."));
        Assert.That(ex.Message, Does.Not.Contain("unknown"));
    }

    // A column name holding a terminal escape (a name from a file or a command line) is quoted visibly in the
    // missing-column message, both the name asked for and the available ones, for a schema and for an estimator's
    // schema shape. Found by mutation testing (round 29B).
    [Test]
    public void AMissingColumnsMessageQuotesInvisibleCharactersVisibly()
    {
        var builder = new DataViewSchema.Builder();
        builder.AddColumn("Label\u001b[2J", NumberDataViewType.Single);
        var schema = builder.ToSchema();
        var fromSchema = Assert.Throws<ArgumentException>(() => ColumnChecks.Features(schema, "Features\u001b[2J"));
        Assert.That(fromSchema!.Message, Does.StartWith("Feature column 'Features\\u001B[2J' was not found in the input. Available columns: 'Label\\u001B[2J'."));
        Assert.That(fromSchema.Message.Any(char.IsControl), Is.False);
        var fromShape = Assert.Throws<ArgumentException>(() => ColumnChecks.Features(OutputShapes.FromSchema(schema), "Features\u001b[2J"));
        Assert.That(fromShape!.Message, Does.StartWith("Feature column 'Features\\u001B[2J' was not found in the input. Available columns: 'Label\\u001B[2J'."));
        Assert.That(fromShape.Message.Any(char.IsControl), Is.False);
    }

    // An estimator's promised schema refuses a scalar Single feature column, as Fit does: the network reads a vector.
    // Found by mutation testing (round 29B).
    [Test]
    public void AScalarFeatureColumnIsRefusedByThePromisedSchema()
    {
        var builder = new DataViewSchema.Builder();
        builder.AddColumn("Features", NumberDataViewType.Single);
        builder.AddColumn("Label", NumberDataViewType.Single);
        var shape = OutputShapes.FromSchema(builder.ToSchema());
        var trainer = new TorchNetworkRegressionTrainer(new TorchNetworkRegressionTrainer.Options());
        var ex = Assert.Throws<ArgumentException>(() => trainer.GetOutputSchema(shape));
        Assert.That(ex!.Message, Does.StartWith("Feature column 'Features' is a scalar of Single, but a known-size vector of Single is required."));
    }

    // The largest key an output layer can hold, int.MaxValue values, is a multiclass label of that many classes
    // (mutation round 37B, M33 refused it with the key one larger).
    [Test]
    public void AKeyOfInt32MaxValueValuesIsAMulticlassLabel()
    {
        var builder = new DataViewSchema.Builder();
        builder.AddColumn("Label", new KeyDataViewType(typeof(uint), int.MaxValue));
        var (column, classes) = ColumnChecks.MulticlassLabel(builder.ToSchema(), "Label");
        Assert.That((column.Name, classes), Is.EqualTo(("Label", int.MaxValue)));
    }
}
