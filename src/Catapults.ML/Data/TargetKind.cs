namespace Catapults.ML.Data;

/// <summary>What kind of target a tabular dataset has.</summary>
public enum TargetKind
{
    /// <summary>Float targets [n, O] (for MSE).</summary>
    Regression,
    /// <summary>Integer class indices [n] (for cross-entropy); the values must be whole numbers ≥ 0.</summary>
    ClassIndex,
}
