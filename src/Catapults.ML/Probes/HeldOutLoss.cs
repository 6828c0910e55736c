namespace Catapults.ML.Probes;

/// <summary>The held-out loss L(w_t) after <paramref name="Step"/> updates.</summary>
public sealed record HeldOutLoss(int Step, double Loss);
