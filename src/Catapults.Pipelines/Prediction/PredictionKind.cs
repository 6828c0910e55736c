namespace Catapults.Pipelines.Prediction;

/// <summary>The machine-learning task a network transformer predicts for; it decides the output columns.</summary>
public enum PredictionKind
{
    /// <summary>One real output; column <c>Score</c> (Single).</summary>
    Regression,

    /// <summary>Two classes; columns <c>Score</c> (Single), <c>Probability</c> (Single) and <c>PredictedLabel</c> (Boolean).</summary>
    BinaryClassification,

    /// <summary>K classes; columns <c>Score</c> (vector of K Single) and <c>PredictedLabel</c> (key with K values).</summary>
    MulticlassClassification,
}
