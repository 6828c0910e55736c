using Catapults.ML.Training;

namespace Catapults.ML.Spectra;

/// <summary>The critical learning rate of a batch and the eigenvalue it comes from.</summary>
/// <param name="Value">
/// η_crit: GD on the linearised model is stable on this batch for η &lt; η_crit. Positive infinity when the sharpness is
/// not positive (a kernel that vanishes on the batch, or a saturated softmax): then no rate moves the linearised model
/// out of its basin, which is what the eigenvalue says, unlike <see cref="CriticalLearningRate.FromKernelEigenvalue"/>,
/// whose caller hands in a λ_max it measured and so is refused a non-positive one.
/// </param>
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
