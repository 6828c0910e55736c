namespace Catapults.ML.Serialization;

/// <summary>Element types of the safetensors format (the names are the format's dtype strings).</summary>
public enum SafetensorsDataType
{
    /// <summary>64-bit float.</summary>
    F64,
    /// <summary>32-bit float.</summary>
    F32,
    /// <summary>IEEE 16-bit float.</summary>
    F16,
    /// <summary>bfloat16.</summary>
    BF16,
    /// <summary>64-bit signed integer.</summary>
    I64,
    /// <summary>32-bit signed integer.</summary>
    I32,
    /// <summary>16-bit signed integer.</summary>
    I16,
    /// <summary>8-bit signed integer.</summary>
    I8,
    /// <summary>8-bit unsigned integer.</summary>
    U8,
    /// <summary>Boolean, one byte each.</summary>
    BOOL,
}
