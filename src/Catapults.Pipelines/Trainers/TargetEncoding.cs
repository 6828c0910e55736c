namespace Catapults.Pipelines.Trainers;

/// <summary>How labels become training targets.</summary>
internal enum TargetEncoding
{
    /// <summary>Single label → [n, 1] float target.</summary>
    Value,
    /// <summary>Boolean label → [n, 1] float target ±1 (MSE).</summary>
    SignedBoolean,
    /// <summary>Boolean label → [n] class index 0/1 (cross-entropy on two logits).</summary>
    BooleanIndex,
    /// <summary>Key label 1..K → [n] class index key − 1 (cross-entropy).</summary>
    KeyIndex,
    /// <summary>Key label 1..K → [n, K] one-hot float target (MSE).</summary>
    KeyOneHot,
}
