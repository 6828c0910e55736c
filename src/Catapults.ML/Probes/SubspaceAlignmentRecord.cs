namespace Catapults.ML.Probes;

/// <summary>One alignment measurement: χ_k(∇L) = ‖P_k ∇L‖/‖∇L‖ at w_t and the top-k Hessian eigenvalues.</summary>
public sealed record SubspaceAlignmentRecord(int Step, bool IsFinal, double Loss, double Alignment, IReadOnlyList<double> Eigenvalues, int Products);
