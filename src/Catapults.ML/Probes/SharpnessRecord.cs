namespace Catapults.ML.Probes;

/// <summary>
/// One sharpness measurement: λ_max of the training-loss Hessian at w_t, and the edge-of-stability level 2/η. With the
/// engine's MSE L = 1/n Σᵢ‖f(xᵢ) − yᵢ‖² (no ½), gradient descent on a quadratic with curvature λ is stable iff
/// λ &lt; 2/η, so the Hessian's λ_max is compared with 2/η directly (the normalisation is already inside H); 2/η is +∞
/// where η = 0 (the end of a schedule that decays to 0, or a final record before any step).
/// </summary>
public sealed record SharpnessRecord(int Step, bool IsFinal, double LearningRate, double Sharpness, double StabilityThreshold,
    double RelativeResidual, int Products);
