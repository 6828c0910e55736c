using Catapults.ML.Training;

namespace Catapults.ML.Ensembles;

/// <summary>What one member of an ensemble did: its result (as a single <see cref="Trainer"/> run reports it) and its batch losses.</summary>
/// <param name="Member">The member's index in the ensemble.</param>
/// <param name="Result">
/// Outcome, steps, final training loss (when its batches come from a fixed dataset), divergence (step, losses,
/// reason). <see cref="TrainingResult.WallTime"/> is the member's share of the ensemble's time: each step's time
/// divided by the members that took it.
/// </param>
/// <param name="BatchLosses">The batch loss L_B(w_t) of every step t the member took, in order.</param>
public sealed record EnsembleMemberResult(int Member, TrainingResult Result, IReadOnlyList<double> BatchLosses);
