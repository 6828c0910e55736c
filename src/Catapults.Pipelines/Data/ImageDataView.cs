using Catapults.ML.Data.Images;

namespace Catapults.Pipelines.Data;

/// <summary>
/// An image dataset as an IDataView: a <c>Features</c> column, a vector of C·H·W <see cref="float"/> values
/// (channel-major, normalised as the options say), and a <c>Label</c> column whose type follows the label mapping:
/// a key over the K classes (with the class names as key values) for <see cref="LabelMapping.ClassIndex"/>, a
/// <see cref="float"/> for ±1 with two classes, a vector of K <see cref="float"/> values otherwise. Rows are read
/// from disk one at a time, afresh for every cursor; nothing is held in memory. It also carries what the rows do
/// not say: class names, image shape, and the channel statistics used.
/// </summary>
public sealed class ImageDataView : IDataView
{
    /// <summary>Name of the features column.</summary>
    public const string FeaturesColumnName = "Features";

    /// <summary>Name of the label column.</summary>
    public const string LabelColumnName = "Label";

    // ML.NET's annotation kind for the names of a key column's values (its own constant is internal).
    private const string KeyValuesAnnotation = "KeyValues";

    private readonly IDataView _inner;

    private ImageDataView(IDataView inner, ImageDataStream stream)
    {
        _inner = inner;
        Stream = stream;
    }

    /// <summary>The prepared row stream behind the view (selection, statistics, reader).</summary>
    public ImageDataStream Stream { get; }

    /// <summary>Names of the K classes, in label order.</summary>
    public IReadOnlyList<string> ClassNames => Stream.ClassNames;

    /// <summary>Shape of one image; <c>Features</c> holds its C·H·W values channel-major.</summary>
    public ImageShape Shape => Stream.Shape;

    /// <summary>Channel statistics used for <see cref="PixelNormalization.Standardize"/>; null otherwise. Pass them to the test set's options.</summary>
    public ChannelStatistics? Statistics => Stream.Statistics;

    /// <summary>The split read.</summary>
    public DatasetSplit Split => Stream.Selection.Split;

    /// <summary>Builds the view over <paramref name="stream"/>.</summary>
    public static ImageDataView Create(DataOperationsCatalog catalog, ImageDataStream stream)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(stream);
        int k = stream.Selection.ClassCount;
        // The image shape travels twice: as the vector's dimensions (C, H, W), as ML.NET's ExtractPixels declares them,
        // and as an annotation, which survives transforms that keep annotations but not dimensions.
        var shape = stream.Shape;
        var featuresType = new VectorDataViewType(NumberDataViewType.Single, shape.Channels, shape.Height, shape.Width);
        var shapeAnnotation = new VBuffer<int>(3, new[] { shape.Channels, shape.Height, shape.Width });
        SchemaDefinition Define(Type row)
        {
            var schema = SchemaDefinition.Create(row);
            schema[FeaturesColumnName].ColumnType = featuresType;
            schema[FeaturesColumnName].AddAnnotation(ImageColumnShape.AnnotationKind, shapeAnnotation, new VectorDataViewType(NumberDataViewType.Int32, 3));
            return schema;
        }
        IDataView inner;
        switch (stream.Options.Labels)
        {
            case LabelMapping.ClassIndex:
            {
                var schema = Define(typeof(KeyLabelRow));
                schema[LabelColumnName].ColumnType = new KeyDataViewType(typeof(uint), k);
                var names = new VBuffer<ReadOnlyMemory<char>>(k, stream.ClassNames.Select(n => n.AsMemory()).ToArray());
                schema[LabelColumnName].AddAnnotation(KeyValuesAnnotation, names, new VectorDataViewType(TextDataViewType.Instance, k));
                inner = catalog.LoadFromEnumerable(stream.Select(r => new KeyLabelRow { Features = r.Features, Label = (uint)r.ClassIndex }), schema);
                break;
            }
            case LabelMapping.PlusMinusOne when stream.TargetWidth == 1:
            {
                var schema = Define(typeof(ScalarLabelRow));
                var target = new float[1];
                inner = catalog.LoadFromEnumerable(stream.Select(r =>
                {
                    stream.EncodeTarget(r.ClassIndex, target);
                    return new ScalarLabelRow { Features = r.Features, Label = target[0] };
                }), schema);
                break;
            }
            default:
            {
                var schema = Define(typeof(VectorLabelRow));
                schema[LabelColumnName].ColumnType = new VectorDataViewType(NumberDataViewType.Single, stream.TargetWidth);
                inner = catalog.LoadFromEnumerable(stream.Select(r =>
                {
                    var target = new float[stream.TargetWidth];
                    stream.EncodeTarget(r.ClassIndex, target);
                    return new VectorLabelRow { Features = r.Features, Label = target };
                }), schema);
                break;
            }
        }
        return new ImageDataView(inner, stream);
    }

    /// <inheritdoc />
    public bool CanShuffle => false;

    /// <inheritdoc />
    public DataViewSchema Schema => _inner.Schema;

    /// <inheritdoc />
    public long? GetRowCount() => Stream.Count;

    /// <inheritdoc />
    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null) =>
        _inner.GetRowCursor(columnsNeeded, rand);

    /// <inheritdoc />
    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null) =>
        _inner.GetRowCursorSet(columnsNeeded, n, rand);
}
