namespace Catapults.ML.Data.Matlab;

/// <summary>A data-element tag: type, byte count, and for a small element its data bytes (which sit inside the tag).</summary>
internal readonly record struct MatTag(MatDataType Type, int Length, byte[]? SmallData)
{
    public bool IsSmall => SmallData is not null;
}
