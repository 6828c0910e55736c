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

    // Key values are a vector of one name per class: a label whose KeyValues annotation is a scalar promises none,
    // where one with a vector of names does (mutation round 37B, M37 promised them from any annotation of that name).
    [Test]
    public void OnlyAVectorOfKeyValuesIsPromised()
    {
        var scalar = new DataViewSchema.Annotations.Builder();
        scalar.Add(KeyValueSet.KeyValuesKind, TextDataViewType.Instance, (ref ReadOnlyMemory<char> v) => v = "cat".AsMemory());
        var vector = new DataViewSchema.Annotations.Builder();
        var names = new VBuffer<ReadOnlyMemory<char>>(3, new[] { "cat".AsMemory(), "dog".AsMemory(), "emu".AsMemory() });
        vector.Add(KeyValueSet.KeyValuesKind, new VectorDataViewType(TextDataViewType.Instance, 3), (ref VBuffer<ReadOnlyMemory<char>> v) => names.CopyTo(ref v));
        var builder = new DataViewSchema.Builder();
        builder.AddColumn("Scalar", new KeyDataViewType(typeof(uint), 3), scalar.ToAnnotations());
        builder.AddColumn("Vector", new KeyDataViewType(typeof(uint), 3), vector.ToAnnotations());
        var shape = OutputShapes.FromSchema(builder.ToSchema());
        Assert.That(OutputShapes.TryFind(shape, "Scalar", out var scalarLabel), Is.True);
        Assert.That(OutputShapes.TryFind(shape, "Vector", out var vectorLabel), Is.True);
        Assert.That(OutputShapes.KeyValuesOf(scalarLabel, 3), Is.Null);
        Assert.That(OutputShapes.KeyValuesOf(vectorLabel, 3), Is.Not.Null);
    }
}
