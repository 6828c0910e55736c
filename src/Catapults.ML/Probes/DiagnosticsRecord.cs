namespace Catapults.ML.Probes;

/// <summary>
/// What the diagnostics probe measured at step t, at the weights w_t before the update (or at the final
/// weights, for the record with <see cref="IsFinal"/>). Missing measurements are null or empty.
/// </summary>
public sealed record DiagnosticsRecord
{
    /// <summary>Step t (for the final record: the number of steps taken).</summary>
    public required int Step { get; init; }

    /// <summary>Epoch of the step.</summary>
    public required int Epoch { get; init; }

    /// <summary>The learning rate of step t's update (for the final record: of the last update).</summary>
    public required double LearningRate { get; init; }

    /// <summary>True for the record taken at the final weights after training.</summary>
    public bool IsFinal { get; init; }

    /// <summary>The batch loss L_B(w_t) of step t; null for the final record.</summary>
    public double? BatchLoss { get; init; }

    /// <summary>The full training loss L(w_t), when computed or free.</summary>
    public double? FullTrainingLoss { get; init; }

    /// <summary>The MSE loss on the probe set (the L that <see cref="ProjectedLosses"/> split), when computed.</summary>
    public double? ProbeLoss { get; init; }

    /// <summary>λ₁ ≥ … ≥ λ_k of the NTK on the probe set.</summary>
    public IReadOnlyList<double> Eigenvalues { get; init; } = Array.Empty<double>();

    /// <summary>λ₁, the probe-set NTK's largest eigenvalue, when computed.</summary>
    public double? TopEigenvalue => Eigenvalues.Count > 0 ? Eigenvalues[0] : null;

    /// <summary>Largest relative residual ‖Ku − λu‖/λ₁ of the eigenpairs, when computed.</summary>
    public double? EigenResidual { get; init; }

    /// <summary>Whether the eigensolver met its tolerances, when it ran.</summary>
    public bool? EigenConverged { get; init; }

    /// <summary>Operator products the eigensolver used (0 for a direct dense solve).</summary>
    public int EigenProducts { get; init; }

    /// <summary>PL_s = 1/n Σ_{j≤s} ⟨r, u_j⟩² on the probe set, for s = 1..k (index s − 1); empty for cross-entropy.</summary>
    public IReadOnlyList<double> ProjectedLosses { get; init; } = Array.Empty<double>();

    /// <summary>PL_s⊥ = L − PL_s on the probe set, for s = 1..k (index s − 1).</summary>
    public IReadOnlyList<double> OrthogonalLosses { get; init; } = Array.Empty<double>();

    /// <summary>η_crit of step t's batch at w_t, when computed.</summary>
    public double? CriticalLearningRate { get; init; }

    /// <summary>The batch eigenvalue η_crit came from (λ_max(K_b) for MSE).</summary>
    public double? BatchSharpness { get; init; }

    /// <summary>Seconds the observer spent on this record.</summary>
    public double Seconds { get; init; }
}
