namespace Catapults.Pipelines.Prediction;

/// <summary>An output column a head adds to the input.</summary>
internal sealed record OutputColumnSpec(string Name, DataViewType Type, DataViewSchema.Annotations Annotations);
