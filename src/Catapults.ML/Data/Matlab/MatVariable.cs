namespace Catapults.ML.Data.Matlab;

/// <summary>
/// One top-level variable of a MAT-file as found by scanning element headers: its name, class and dimensions, and
/// where its real-part data lies. Reading the data is left to <see cref="MatFile.OpenReal"/>.
/// </summary>
public sealed class MatVariable
{
    internal MatVariable(string name, MatArrayClass arrayClass, int[] dimensions, bool isComplex, bool isCompressed,
        long elementOffset, long elementLength, MatDataType? storedType, long dataOffset, long dataLength)
    {
        Name = name;
        Class = arrayClass;
        Dimensions = dimensions;
        IsComplex = isComplex;
        IsCompressed = isCompressed;
        ElementOffset = elementOffset;
        ElementLength = elementLength;
        StoredType = storedType;
        DataOffset = dataOffset;
        DataLength = dataLength;
    }

    /// <summary>Variable name.</summary>
    public string Name { get; }

    /// <summary>MATLAB class (double, uint8, struct, …).</summary>
    public MatArrayClass Class { get; }

    /// <summary>Dimensions, in MATLAB order (column-major: the first index varies fastest in the data).</summary>
    public IReadOnlyList<int> Dimensions { get; }

    /// <summary>True for complex arrays (only the real part is read).</summary>
    public bool IsComplex { get; }

    /// <summary>True when the variable sits in a zlib-compressed (miCOMPRESSED) element.</summary>
    public bool IsCompressed { get; }

    /// <summary>File offset of the variable's top-level element tag.</summary>
    public long ElementOffset { get; }

    /// <summary>Byte count the top-level element declares (compressed bytes for a compressed element).</summary>
    public long ElementLength { get; }

    /// <summary>
    /// Data type the real part is stored in; MATLAB may store a class in a narrower type (a double array of small
    /// integers as miUINT8). Null for non-numeric classes.
    /// </summary>
    public MatDataType? StoredType { get; }

    /// <summary>
    /// Where the real-part data starts: a file offset for a plain element, an offset into the decompressed stream
    /// for a compressed one.
    /// </summary>
    public long DataOffset { get; }

    /// <summary>Bytes of real-part data.</summary>
    public long DataLength { get; }

    /// <summary>Number of elements, the product of the dimensions.</summary>
    public long ElementCount => Dimensions.Aggregate(1L, (a, d) => a * d);

    /// <summary>Dimensions as text, e.g. "32×32×3×73257".</summary>
    public string DimensionText => string.Join("×", Dimensions);

    /// <inheritdoc />
    public override string ToString() => $"{Name}: {Class.ToString().ToLowerInvariant()} {DimensionText}{(IsCompressed ? " (compressed)" : "")}";
}
