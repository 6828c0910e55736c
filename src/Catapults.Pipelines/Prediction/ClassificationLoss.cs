namespace Catapults.Pipelines.Prediction;

/// <summary>
/// The loss a classification trainer minimises. <see cref="MeanSquaredError"/> is the default of both classification
/// trainers: the catapult mechanism and the critical learning rate η_crit = b / λ_max(K) are derived for the squared
/// loss (README, Conventions), and the catapult paper trains its classifiers with it.
/// </summary>
public enum ClassificationLoss
{
    /// <summary>
    /// L = 1/b Σᵢ ‖f(xᵢ) − yᵢ‖² (no ½). Binary: one output and targets ±1, so Score = f(x) and the predicted label is
    /// f(x) &gt; 0; the squared-loss minimiser is E[y | x] = 2p − 1, hence Probability = (1 + f(x)) / 2 clipped to [0, 1].
    /// Multiclass: K outputs and one-hot targets; f(x) estimates the class probabilities, and Score is its Euclidean
    /// projection onto the probability simplex (which keeps the arg-max). Such probabilities are not calibrated, so
    /// ML.NET's log-loss is usually poor even when the accuracy is good.
    /// </summary>
    MeanSquaredError,

    /// <summary>
    /// Softmax cross-entropy, L = −1/b Σᵢ log softmax(f(xᵢ))_{yᵢ}. Binary: two logits (false, true), so
    /// Score = z_true − z_false (the log-odds) and Probability = σ(Score). Multiclass: K logits and Score = softmax(f(x)).
    /// Two logits rather than one keep a single loss definition for every classifier.
    /// </summary>
    CrossEntropy,
}
