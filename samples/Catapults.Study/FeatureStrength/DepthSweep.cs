using Catapults.ML.Scaling;

namespace Catapults.Study.FeatureStrength;

/// <summary>One depth's finished sweep: its depth L, the settings it ran with and its result.</summary>
internal sealed record DepthSweep(int Depth, FeatureStrengthSettings Settings, SweepResult Result);
