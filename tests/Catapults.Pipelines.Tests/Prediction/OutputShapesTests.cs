using Catapults.Pipelines.Prediction;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Catapults.Pipelines.Tests.Prediction;

/// <summary>
/// The shape an estimator promises: a head's columns are added after the input's, and an input column of the same name
/// is replaced where it stands, the first column included. Found by mutation testing (round 34B).
/// </summary>
[TestFixture]
public sealed class OutputShapesTests
{
    [Test]
    public void AnInputColumnNamedLikeAPredictionColumnIsReplacedInPlaceEvenWhenItIsTheFirst()
    {
        var builder = new DataViewSchema.Builder();
        builder.AddColumn("Score", TextDataViewType.Instance);
        builder.AddColumn("Features", new VectorDataViewType(NumberDataViewType.Single, 2));
        var input = OutputShapes.FromSchema(builder.ToSchema());

        var shape = OutputShapes.Append(input, new RegressionHead()).ToList();

        Assert.That(shape.Select(c => c.Name), Is.EqualTo(new[] { "Score", "Features" }));
        Assert.That(shape[0].ItemType, Is.EqualTo(NumberDataViewType.Single));
        Assert.That(shape[0].Kind, Is.EqualTo(SchemaShape.Column.VectorKind.Scalar));
    }

    [Test]
    public void APredictionColumnNotInTheInputIsAddedAfterIt()
    {
        var builder = new DataViewSchema.Builder();
        builder.AddColumn("Features", new VectorDataViewType(NumberDataViewType.Single, 2));
        var input = OutputShapes.FromSchema(builder.ToSchema());

        var shape = OutputShapes.Append(input, new RegressionHead()).ToList();

        Assert.That(shape.Select(c => c.Name), Is.EqualTo(new[] { "Features", "Score" }));
    }
}
