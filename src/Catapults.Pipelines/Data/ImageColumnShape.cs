using Catapults.ML.Data.Images;
using Catapults.ML.Runtime;

namespace Catapults.Pipelines.Data;

/// <summary>
/// The image shape (C, H, W) of a feature column, which image networks (<c>cnn</c>, <c>wrn</c>, <c>vit</c>) need to
/// unflatten the column's channel-major pixels. It is read from, in order: an <see cref="AnnotationKind"/> annotation
/// (three Int32 values C, H, W, as the project's loaders add); or the column's vector dimensions when they are three,
/// as ML.NET's <c>ExtractPixels</c> declares them (C, H, W with <c>interleavePixelColors: false</c>, its default) and as
/// <c>[VectorType(C, H, W)]</c> declares them on a class.
/// </summary>
public static class ImageColumnShape
{
    /// <summary>The annotation kind that carries a column's image shape: a vector of three Int32 values C, H, W.</summary>
    public const string AnnotationKind = "ImageShape";

    /// <summary>The image shape of <paramref name="column"/>, or null when the column does not say it.</summary>
    /// <exception cref="ArgumentException">The column's dimensions look interleaved (H, W, C), which image networks cannot read.</exception>
    public static ImageShape? Read(DataViewSchema.Column column)
    {
        if (column.Annotations.Schema.GetColumnOrNull(AnnotationKind) is { } annotation && annotation.Type is VectorDataViewType { Size: 3 })
        {
            var values = default(VBuffer<int>);
            column.Annotations.GetValue(AnnotationKind, ref values);
            var dense = values.DenseValues().ToArray();
            return new ImageShape(dense[0], dense[1], dense[2]);
        }
        if (column.Type is not VectorDataViewType { Dimensions.Length: 3 } vector) return null;
        var d = vector.Dimensions;
        if (IsChannelCount(d[2]) && !IsChannelCount(d[0]))
            throw new ArgumentException(
                $"Feature column '{ErrorText.Visible(column.Name)}' has dimensions ({d[0]}, {d[1]}, {d[2]}), which look like interleaved pixels (H, W, C); " +
                "image networks read channel-major pixels: use ExtractPixels with interleavePixelColors: false.", "inputSchema");
        return new ImageShape(d[0], d[1], d[2]);
    }

    private static bool IsChannelCount(int size) => size is 1 or 3 or 4;
}
