using Catapults.Pipelines.Data;
using Catapults.Pipelines.Prediction;
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
}
