using Catapults.ML.Scaling;

namespace Catapults.Study.FeatureStrength;

/// <summary>What the parent hands a child process: one cell and the spec to train it with.</summary>
internal sealed record CellJob(SweepCell Cell, FeatureStrengthCellSpec Spec);
