namespace Catapults.ML.Data.Matlab;

/// <summary>Data types of MAT-file v5 data elements (the "mi" types of the MAT-file format).</summary>
public enum MatDataType
{
    /// <summary>miINT8.</summary>
    Int8 = 1,
    /// <summary>miUINT8.</summary>
    UInt8 = 2,
    /// <summary>miINT16.</summary>
    Int16 = 3,
    /// <summary>miUINT16.</summary>
    UInt16 = 4,
    /// <summary>miINT32.</summary>
    Int32 = 5,
    /// <summary>miUINT32.</summary>
    UInt32 = 6,
    /// <summary>miSINGLE.</summary>
    Single = 7,
    /// <summary>miDOUBLE.</summary>
    Double = 9,
    /// <summary>miINT64.</summary>
    Int64 = 12,
    /// <summary>miUINT64.</summary>
    UInt64 = 13,
    /// <summary>miMATRIX: an array with its flags, dimensions, name and data.</summary>
    Matrix = 14,
    /// <summary>miCOMPRESSED: a zlib stream holding one element (MATLAB -v7).</summary>
    Compressed = 15,
    /// <summary>miUTF8.</summary>
    Utf8 = 16,
    /// <summary>miUTF16.</summary>
    Utf16 = 17,
    /// <summary>miUTF32.</summary>
    Utf32 = 18,
}

/// <summary>MATLAB array classes (the "mx" classes stored in an array's flags).</summary>
public enum MatArrayClass
{
    /// <summary>Cell array.</summary>
    Cell = 1,
    /// <summary>Structure.</summary>
    Struct = 2,
    /// <summary>Object.</summary>
    Object = 3,
    /// <summary>Character array.</summary>
    Char = 4,
    /// <summary>Sparse array.</summary>
    Sparse = 5,
    /// <summary>double.</summary>
    Double = 6,
    /// <summary>single.</summary>
    Single = 7,
    /// <summary>int8.</summary>
    Int8 = 8,
    /// <summary>uint8.</summary>
    UInt8 = 9,
    /// <summary>int16.</summary>
    Int16 = 10,
    /// <summary>uint16.</summary>
    UInt16 = 11,
    /// <summary>int32.</summary>
    Int32 = 12,
    /// <summary>uint32.</summary>
    UInt32 = 13,
    /// <summary>int64.</summary>
    Int64 = 14,
    /// <summary>uint64.</summary>
    UInt64 = 15,
}

/// <summary>Sizes and predicates of MAT-file types.</summary>
public static class MatTypes
{
    /// <summary>Bytes per value of a numeric data type; 0 for the others.</summary>
    public static int SizeOf(MatDataType type) => type switch
    {
        MatDataType.Int8 or MatDataType.UInt8 => 1,
        MatDataType.Int16 or MatDataType.UInt16 => 2,
        MatDataType.Int32 or MatDataType.UInt32 or MatDataType.Single => 4,
        MatDataType.Double or MatDataType.Int64 or MatDataType.UInt64 => 8,
        _ => 0,
    };

    /// <summary>True for the numeric array classes (double … uint64), whose data this reader reads.</summary>
    public static bool IsNumeric(MatArrayClass arrayClass) => arrayClass is >= MatArrayClass.Double and <= MatArrayClass.UInt64;
}
