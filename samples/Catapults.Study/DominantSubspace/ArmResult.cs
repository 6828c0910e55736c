using Catapults.ML.Training;
using Catapults.ML.Probes;

namespace Catapults.Study.DominantSubspace;

/// <summary>One arm of the study after the switch: its loss curve and alignment records.</summary>
public sealed record ArmResult(string Name, IReadOnlyList<(int Step, double Loss)> Losses, IReadOnlyList<SubspaceAlignmentRecord> Alignment,
    TrainingOutcome Outcome, double? FinalLoss, int Refreshes, long HessianProducts);
