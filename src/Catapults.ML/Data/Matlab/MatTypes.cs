namespace Catapults.ML.Data.Matlab;

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
