using Catapults.ML.Training;

namespace Catapults.ML.Spectra;

/// <summary>The critical learning rate of a batch and the eigenvalue it comes from.</summary>
/// <param name="Value">η_crit: GD on the linearised model is stable on this batch for η &lt; η_crit.</param>
/// <param name="Sharpness">
/// The eigenvalue η_crit derives from: λ_max(K_b) for MSE; λ_max(Lᵀ K_b L) for cross-entropy, where L L ᵀ is the
/// softmax output Hessian (see <see cref="CriticalLearningRate"/>).
/// </param>
/// <param name="BatchSize">b, the number of samples.</param>
/// <param name="Loss">The loss the rate refers to.</param>
/// <param name="Method">The NTK method used.</param>
/// <param name="Converged">Whether the eigensolver met its tolerances.</param>
/// <param name="RelativeResidual">‖K u − λ u‖ / λ of the top eigenpair; from the Ritz estimate of an iterative solve or the true residual when asked for; null for a direct solve without a residual check.</param>
public sealed record CriticalLearningRateResult(double Value, double Sharpness, int BatchSize, LossKind Loss, NtkMethod Method,
    bool Converged, double? RelativeResidual);
