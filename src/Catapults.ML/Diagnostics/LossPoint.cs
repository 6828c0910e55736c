namespace Catapults.ML.Diagnostics;

/// <summary>One point of a loss stream: the loss at a step, and optionally λ_max(K) there.</summary>
/// <param name="Step">The training step (increasing along the stream).</param>
/// <param name="Loss">The loss (full training loss, or a batch loss).</param>
/// <param name="Sharpness">λ_max of the NTK at the same weights, when known.</param>
public readonly record struct LossPoint(int Step, double Loss, double? Sharpness = null);
