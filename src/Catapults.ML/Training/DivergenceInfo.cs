namespace Catapults.ML.Training;

/// <summary>Where and how a run diverged.</summary>
/// <param name="Step">The step at which the run stopped.</param>
/// <param name="LastFiniteLoss">The last finite batch loss before <paramref name="Step"/>; null when none was seen (a run that diverged at its first step).</param>
/// <param name="OffendingLoss">The loss that ended the run (NaN or ±∞, or a finite value past the divergence threshold); null when the run ended without a loss being computed (a learning rate that is no float32 number or that a rate controller set out of range, a measurement that met non-finite values, or an online run whose final weights are not finite).</param>
/// <param name="Reason">Why the run was stopped, in words.</param>
public sealed record DivergenceInfo(int Step, double? LastFiniteLoss, double? OffendingLoss, string Reason);
